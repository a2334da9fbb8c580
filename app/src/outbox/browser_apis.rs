//! The browser APIs the outbox needs beyond storage, reached through `js_sys` rather
//! than `web-sys` bindings: a handful of calls, in code a first visit does not download.

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::window;
use std::{cell::RefCell, future::Future, rc::Rc};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

fn property(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

fn method(target: &JsValue, name: &str) -> Option<Function> {
    property(target, name)?.dyn_into().ok()
}

/// Runs `work` while this tab holds the lock named `lock` (the Web Locks API), the one
/// every tab of this origin takes to send an outbox, so that two tabs never send the
/// same changes at once (the server would apply them once anyway): other tabs wait for
/// their turn. Where the API is missing or refuses, `work` simply runs.
pub async fn exclusively(lock: &str, work: impl Future<Output = ()> + 'static) {
    let work = Rc::new(RefCell::new(Some(work)));
    let navigator: JsValue = window().navigator().into();
    if let Some(locks) = property(&navigator, "locks") {
        if let Some(request) = method(&locks, "request") {
            let mine = Rc::clone(&work);
            let held = Closure::once(move |_lock: JsValue| -> Promise {
                let work = mine.borrow_mut().take();
                future_to_promise(async move {
                    if let Some(work) = work {
                        work.await;
                    }
                    Ok(JsValue::UNDEFINED)
                })
            });
            if let Ok(promise) = request.call2(&locks, &JsValue::from_str(lock), held.as_ref()) {
                let _ = JsFuture::from(Promise::from(promise)).await;
            }
        }
    }
    // Still here if the lock could not be asked for.
    let left = work.borrow_mut().take();
    if let Some(work) = left {
        work.await;
    }
}

/// Registers a service worker, which lets a screen open while the server cannot be
/// reached. Failing to (no support, private browsing) only loses that. The outbox's
/// code carries it: a screen registers its worker when that code first comes.
pub async fn register_service_worker(path: &str) {
    let navigator: JsValue = window().navigator().into();
    let Some(container) = property(&navigator, "serviceWorker") else {
        return;
    };
    let Some(register) = method(&container, "register") else {
        return;
    };
    if let Ok(promise) = register.call1(&container, &JsValue::from_str(path)) {
        if let Err(error) = JsFuture::from(Promise::from(promise)).await {
            leptos::logging::warn!("the service worker was not registered: {error:?}");
        }
    }
}
