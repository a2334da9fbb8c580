//! The outbox in the browser's `localStorage`: one item per change, named by its key, so
//! that tabs adding and removing their own changes never overwrite each other's, and the
//! keys' order is the changes' order. `localStorage` rather than IndexedDB: a write is
//! done when the call returns (a change is kept before the click's handler ends, so a
//! reload a moment later cannot lose it), every tab hears of every other's writes (the
//! `storage` event), and it needs no crate (see BENCHMARKS.md for the weights).

use super::Waiting;
use crate::lists::ListError;
use leptos::prelude::window;

/// What storage items of the outbox are called: a prefix, then the change's key.
const ITEM_PREFIX: &str = "async-streamer.outbox.";

fn item_name(key: &str) -> String {
    format!("{ITEM_PREFIX}{key}")
}

/// Whether a storage item (another tab's `storage` event) is one of the outbox's.
pub fn is_outbox_item(name: &str) -> bool {
    name.starts_with(ITEM_PREFIX)
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Keeps a change until it is answered for.
pub fn keep(waiting: &Waiting) -> Result<(), ListError> {
    let text = crate::wire::to_json(waiting).map_err(|_| ListError::Internal)?;
    local_storage()
        .and_then(|storage| storage.set_item(&item_name(waiting.key()), &text).ok())
        .ok_or(ListError::Storage)
}

/// Every change kept in this browser, oldest first.
pub fn read() -> Vec<Waiting> {
    let Some(storage) = local_storage() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    let mut found: Vec<Waiting> = (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|name| is_outbox_item(name))
        .filter_map(|name| storage.get_item(&name).ok().flatten())
        .filter_map(|text| crate::wire::from_json(&text).ok())
        .collect();
    found.sort_by(|a, b| a.key().cmp(b.key()));
    found
}

/// Forgets a change that has its answer.
pub fn forget(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(&item_name(key));
    }
}
