//! The outbox in the browser's `localStorage`: one item per change, named by the
//! collection's outbox and the change's key, so that tabs adding and removing their own
//! changes never overwrite each other's, and the keys' order is the changes' order.
//! `localStorage` rather than IndexedDB: a write is done when the call returns (a change
//! is kept before the click's handler ends, so a reload a moment later cannot lose it),
//! every tab hears of every other's writes (the `storage` event), and it needs no crate.

use super::Waiting;
use crate::collection::Collection;
use leptos::prelude::window;

fn item_name<C: Collection>(key: &str) -> String {
    format!("{}.{key}", C::OUTBOX)
}

/// The Web Lock every tab takes to send this collection's outbox.
pub fn lock_name<C: Collection>() -> String {
    C::OUTBOX.to_owned()
}

/// Whether a storage item (another tab's `storage` event) is one of this outbox's.
pub fn is_item_of<C: Collection>(name: &str) -> bool {
    name.strip_prefix(C::OUTBOX)
        .is_some_and(|rest| rest.starts_with('.'))
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Why a change could not be kept.
#[derive(Debug)]
pub struct NotKept;

impl std::fmt::Display for NotKept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("storage refused it (full, or switched off)")
    }
}

/// Keeps a change until it is answered for.
pub fn keep<C: Collection>(waiting: &Waiting<C>) -> Result<(), NotKept> {
    let text = crate::wire::to_json(waiting).map_err(|_| NotKept)?;
    local_storage()
        .and_then(|storage| storage.set_item(&item_name::<C>(waiting.key()), &text).ok())
        .ok_or(NotKept)
}

/// Every change of this outbox kept in this browser, oldest first.
pub fn read<C: Collection>() -> Vec<Waiting<C>> {
    let Some(storage) = local_storage() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    let mut found: Vec<Waiting<C>> = (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|name| is_item_of::<C>(name))
        .filter_map(|name| storage.get_item(&name).ok().flatten())
        .filter_map(|text| crate::wire::from_json(&text).ok())
        .collect();
    found.sort_by(|a, b| a.key().cmp(b.key()));
    found
}

/// Forgets a change that has its answer.
pub fn forget<C: Collection>(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(&item_name::<C>(key));
    }
}
