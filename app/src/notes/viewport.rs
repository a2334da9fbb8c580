//! The viewport: noticing when an element comes near it (what makes scrolling load
//! pages), which row is at its top, and keeping that row in place while rows are added
//! above it.

use leptos::{html::Div, prelude::*};

/// Calls `on_change(true)` when the element comes within `margin` of the viewport and
/// `on_change(false)` when it leaves, for as long as the current owner lives. Browser
/// only; on the server nothing is observed.
///
/// `recheck` re-reads the element's position, which the browser does not report by
/// itself if it stays near the viewport (after a page of rows loaded, say).
pub fn watch_nearness(
    element: NodeRef<Div>,
    margin: &'static str,
    on_change: Callback<bool>,
) -> impl Fn() + Clone + Send + Sync + 'static {
    #[cfg(feature = "hydrate")]
    {
        browser::watch(element, margin, on_change)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (element, margin, on_change);
        || {}
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::{html::Div, prelude::*};
    use send_wrapper::SendWrapper;
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{
        Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit,
    };

    type Watched = Rc<RefCell<Option<(IntersectionObserver, Element)>>>;

    pub fn watch(
        element: NodeRef<Div>,
        margin: &'static str,
        on_change: Callback<bool>,
    ) -> impl Fn() + Clone + Send + Sync + 'static {
        let watched: Watched = Rc::default();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(entry) = entries.iter().last() {
                on_change.run(
                    entry
                        .unchecked_into::<IntersectionObserverEntry>()
                        .is_intersecting(),
                );
            }
        });
        let options = IntersectionObserverInit::new();
        options.set_root_margin(margin);
        let observer =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                .ok();
        let callback = SendWrapper::new(callback);
        {
            let watched = Rc::clone(&watched);
            let observer = observer.clone();
            Effect::new(move |_| {
                let (Some(observer), Some(target)) = (observer.clone(), element.get()) else {
                    return;
                };
                let target: Element = target.into();
                observer.observe(&target);
                *watched.borrow_mut() = Some((observer, target));
            });
        }
        let cleanup = SendWrapper::new(observer);
        on_cleanup(move || {
            if let Some(observer) = cleanup.take() {
                observer.disconnect();
            }
            drop(callback);
        });
        let watched = SendWrapper::new(watched);
        move || {
            // Observing again makes the observer report the element's current state.
            if let Some((observer, target)) = watched.borrow().as_ref() {
                observer.unobserve(target);
                observer.observe(target);
            }
        }
    }
}

/// The row at the top of the viewport (the first whose bottom is below its top edge),
/// and where it is: `(index among the rows, DOM id, top)`. Found by binary search over
/// the rows, a few layout reads rather than one per row. Browser only.
#[cfg(feature = "hydrate")]
pub fn top_row() -> Option<(u32, web_sys::Element, f64)> {
    let list = document().query_selector("ul.lists").ok()??;
    let rows = list.children();
    let bottom = |index: u32| {
        rows.item(index)
            .map_or(f64::INFINITY, |row| row.get_bounding_client_rect().bottom())
    };
    let (mut low, mut high) = (0, rows.length());
    while low < high {
        let middle = low + (high - low) / 2;
        if bottom(middle) > 0.0 {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    let row = rows.item(low)?;
    let top = row.get_bounding_client_rect().top();
    Some((low, row, top))
}

/// Runs `add_above` (which adds rows above the viewport) and then, before the next paint,
/// scrolls by however far the row at the top moved, so what the person reads stays put.
///
/// The browser's own scroll anchoring cannot be relied on here: for a page of rows put
/// in front, Leptos' keyed list moves the rows already shown (tachys' diff counts them
/// as moved), and an anchor node that is moved loses its anchoring.
pub fn keeping_top_row_in_place(add_above: impl FnOnce()) {
    #[cfg(feature = "hydrate")]
    {
        let anchor = top_row();
        add_above();
        if let Some((_, row, top)) = anchor {
            // Effects (the keyed list's update among them) run before the next frame.
            request_animation_frame(move || {
                if row.is_connected() {
                    let moved = row.get_bounding_client_rect().top() - top;
                    if moved.abs() >= 1.0 {
                        window().scroll_by_with_x_and_y(0.0, moved);
                    }
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    add_above();
}
