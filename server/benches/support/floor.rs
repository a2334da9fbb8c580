//! The floors: the least an event stream can cost over hyper, the HTTP library the
//! server uses, and over a bare tokio socket with no HTTP library at all. A bare hyper
//! server (same version, same allocator, `TCP_NODELAY`) with none of the app: each
//! event stream is a body that writes the frames one broadcast channel carries; `POST
//! /api/lists/create` sends the next frame. The socket floor reads a request head into
//! a small buffer, writes a fixed response head, then each frame as is (what
//! hand-written HTTP for event streams would cost; the project keeps hyper). The
//! `event_streams` bench runs either as a second program (itself, with
//! `EVENT_STREAMS_FLOOR=hyper` or `=socket`) and measures it like the server.

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::{body::Frame, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use std::{
    convert::Infallible,
    sync::atomic::{AtomicU64, Ordering},
    sync::Arc,
};
use tokio::{net::TcpListener, sync::broadcast};

type Body = BoxBody<Bytes, Infallible>;

/// The variable that makes a bench program serve the floor instead of measuring.
pub const FLOOR: &str = "EVENT_STREAMS_FLOOR";

pub async fn serve(kind: &str) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    eprintln!("listening on http://{addr}/notes");
    let (sender, _) = broadcast::channel::<Bytes>(1024);
    let seq = Arc::new(AtomicU64::new(0));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (sender, seq) = (sender.clone(), Arc::clone(&seq));
        if kind == "socket" {
            tokio::spawn(socket(stream, sender, seq));
            continue;
        }
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let (sender, seq) = (sender.clone(), Arc::clone(&seq));
                async move { Ok::<_, Infallible>(answer(&request, &sender, &seq)) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn answer<B>(
    request: &Request<B>,
    sender: &broadcast::Sender<Bytes>,
    seq: &AtomicU64,
) -> Response<Body> {
    match request.uri().path() {
        "/api/lists/events" => {
            let receiver = sender.subscribe();
            let frames =
                futures::stream::unfold((receiver, true), |(mut receiver, first)| async move {
                    if first {
                        return Some((
                            Ok(Frame::data(Bytes::from_static(b"retry: 1000\n\n"))),
                            (receiver, false),
                        ));
                    }
                    loop {
                        match receiver.recv().await {
                            Ok(frame) => return Some((Ok(Frame::data(frame)), (receiver, false))),
                            Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        }
                    }
                });
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(BodyExt::boxed(StreamBody::new(frames)))
                .unwrap_or_default()
        }
        "/api/lists/create" => {
            let next = seq.fetch_add(1, Ordering::AcqRel) + 1;
            let _ = sender.send(Bytes::from(format!(
                "event: change\nid: {next}\ndata: {{\"seq\":{next}}}\n\n"
            )));
            let body = Full::new(Bytes::from(format!("{{\"seq\":{next}}}"))).boxed();
            Response::builder()
                .header("content-type", "application/json")
                .body(body)
                .unwrap_or_default()
        }
        _ => Response::new(Full::new(Bytes::from_static(b"ok")).boxed()),
    }
}

/// One connection without an HTTP library: the request head read into 512 bytes, then
/// either an event stream's frames or (for a create) one answer.
async fn socket(
    mut stream: tokio::net::TcpStream,
    sender: broadcast::Sender<Bytes>,
    seq: Arc<AtomicU64>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = [0u8; 512];
    let Ok(read) = stream.read(&mut head).await else {
        return;
    };
    if head[..read].starts_with(b"POST") {
        let next = seq.fetch_add(1, Ordering::AcqRel) + 1;
        let _ = sender.send(Bytes::from(format!(
            "event: change\nid: {next}\ndata: {{\"seq\":{next}}}\n\n"
        )));
        let body = format!("{{\"seq\":{next}}}");
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
        return;
    }
    if !head[..read].starts_with(b"GET /api/lists/events") {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .await;
        return;
    }
    let mut receiver = sender.subscribe();
    let opening = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\nretry: 1000\n\n";
    if stream.write_all(opening).await.is_err() {
        return;
    }
    loop {
        match receiver.recv().await {
            Ok(frame) => {
                if stream.write_all(&frame).await.is_err() {
                    return;
                }
            }
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}
