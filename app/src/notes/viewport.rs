//! Noticing when an element comes near the viewport: what makes scrolling load pages.

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
