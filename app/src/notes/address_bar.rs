//! The address bar follows the screen: the search, and the window scrolled to, so that a
//! reload, Back and Forward, or a copied link open the same rows at the same row.
//!
//! The URL is the one a browser without JavaScript pages through (`?before=` the row
//! above the top row in view, with `q`), plus `#lists-ID` of that top row, which the
//! browser scrolls to when it opens it. The newest rows keep the plain `/notes`.

#[cfg(feature = "hydrate")]
use crate::lists::{ListId, PageStart};
use crate::lists::{Lists, ListsQuery};
use crate::window::WindowView;
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// How often, at most, scrolling rewrites the URL: often enough that the last position
/// is always kept, rarely enough for the browser's limit on history changes.
#[cfg(feature = "hydrate")]
const EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Puts a query into the URL (the search box calls this), so that reloading or sharing
/// it shows the same lists.
pub fn show(query: &ListsQuery) {
    replace(&query.href());
}

/// Keeps the URL on the window's top row in view while the screen scrolls, for as long as
/// the current owner lives. Browser only.
pub fn follow_scrolling(window: WindowView<Lists>) {
    #[cfg(feature = "hydrate")]
    {
        use send_wrapper::SendWrapper;
        // Scrolling is restored from the URL's row, not from an offset into rows that a
        // reload no longer has above it.
        // The browser does not scroll to the URL's row by itself then (on a reload, say),
        // so the screen does, once it is live.
        if let Ok(history) = leptos::prelude::window().history() {
            let _ = history.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
        }
        Effect::new(move |_| {
            let hash = leptos::prelude::window()
                .location()
                .hash()
                .unwrap_or_default();
            let row = hash
                .strip_prefix('#')
                .filter(|id| ListId::from_dom_id(id).is_some());
            if let Some(row) = row.and_then(|id| document().get_element_by_id(id)) {
                row.scroll_into_view();
            }
        });
        let scheduled = StoredValue::new(false);
        let shown = StoredValue::new(String::new());
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            if scheduled.get_value() {
                return;
            }
            scheduled.set_value(true);
            set_timeout(
                move || {
                    scheduled.try_set_value(false);
                    let href = href_in_view(window);
                    if shown.try_update_value(|shown| std::mem::replace(shown, href.clone()))
                        != Some(href.clone())
                    {
                        replace(&href);
                    }
                },
                EVERY,
            );
        });
        let handle = SendWrapper::new(handle);
        on_cleanup(move || handle.take().remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = window;
}

/// The URL of the rows from the top one in view down.
#[cfg(feature = "hydrate")]
fn href_in_view(window: WindowView<Lists>) -> String {
    let search = untrack(|| window.filter());
    let Some((index, row, _)) = super::viewport::top_row() else {
        return ListsQuery::newest(search).href();
    };
    let top = ListId::from_dom_id(&row.id());
    let start = match index.checked_sub(1) {
        Some(_) => row
            .previous_element_sibling()
            .and_then(|above| ListId::from_dom_id(&above.id()))
            .map(PageStart::Before),
        None if untrack(|| window.more_at(crate::stream::Edge::Start)) => {
            top.map(|id| PageStart::Before(ListId::new(id.get() + 1)))
        }
        None => None,
    };
    let Some(start) = start else {
        return ListsQuery::newest(search).href();
    };
    let mut href = ListsQuery { search, start }.href();
    if let Some(top) = top {
        href.push('#');
        href.push_str(&top.dom_id());
    }
    href
}

fn replace(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = leptos::prelude::window().history() {
        let _ =
            history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(href));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}
