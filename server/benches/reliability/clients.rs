//! Clients: writes, documents and event streams.

use super::*;

/// A create the server acknowledged: 200 with the list's id.
#[derive(Clone, Debug)]
pub(crate) struct Ack {
    pub(crate) id: i64,
    pub(crate) name: String,
}

pub(crate) enum Created {
    Ack(Ack),
    Status(u16, Option<String>),
    Failed(String),
}

pub(crate) async fn create(client: &reqwest::Client, base: &str, name: &str, key: &str) -> Created {
    let response = client
        .post(format!("{base}/api/lists/create"))
        .form(&[("name", name), ("key", key)])
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => return Created::Failed(error_kind(&error)),
    };
    let status = response.status().as_u16();
    if status != 200 {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        return Created::Status(status, retry_after);
    }
    match response.json::<serde_json::Value>().await {
        Ok(body) => match body["list"]["id"].as_i64() {
            Some(id) => Created::Ack(Ack {
                id,
                name: name.to_owned(),
            }),
            None => Created::Failed("200 without an id".into()),
        },
        Err(error) => Created::Failed(error_kind(&error)),
    }
}

pub(crate) fn error_kind(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "connection refused".into()
    } else if error.is_body() || error.is_decode() {
        "body cut off".into()
    } else if error.is_request() {
        "connection closed".into()
    } else {
        "other error".into()
    }
}

pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// A timed `GET /notes` on a fresh connection.
pub(crate) async fn timed_get(base: &str, limit: Duration) -> (String, Duration) {
    let client = reqwest::Client::builder()
        .timeout(limit)
        .build()
        .expect("HTTP client");
    let started = Instant::now();
    let outcome = match client.get(format!("{base}/notes")).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => status.to_string(),
                Err(error) => error_kind(&error),
            }
        }
        Err(error) => error_kind(&error),
    };
    (outcome, started.elapsed())
}

/// A timed create on a fresh connection.
pub(crate) async fn timed_create(
    base: &str,
    name: &str,
    key: &str,
    limit: Duration,
) -> (String, Duration) {
    let client = reqwest::Client::builder()
        .timeout(limit)
        .build()
        .expect("HTTP client");
    let started = Instant::now();
    let outcome = match create(&client, base, name, key).await {
        Created::Ack(_) => "200".into(),
        Created::Status(status, _) => status.to_string(),
        Created::Failed(error) => error,
    };
    (outcome, started.elapsed())
}

/// A person arriving while a scenario floods the server: a document and a create, each
/// on a fresh connection, sent together.
pub(crate) struct Newcomer {
    document: (String, Duration),
    write: (String, Duration),
}

impl Newcomer {
    pub(crate) async fn arrive(base: &str, name: &str, key: &str, limit: Duration) -> Self {
        let (document, write) =
            tokio::join!(timed_get(base, limit), timed_create(base, name, key, limit));
        Self { document, write }
    }

    /// The report's two rows; `when` says when they were sent.
    pub(crate) fn report(&self, when: &str) {
        let ((document, document_time), (write, write_time)) = (&self.document, &self.write);
        row(
            &format!("GET /notes sent {when} (fresh connection)"),
            format!("{document} in {}", ms(*document_time)),
        );
        row(
            &format!("POST create sent {when} (fresh connection)"),
            format!("{write} in {}", ms(*write_time)),
        );
    }

    /// Both answered 200 within `within`; `during` names the scenario's flood.
    pub(crate) fn check(&self, findings: &Findings, during: &str, within: Duration) {
        for (what, (outcome, time)) in [("GET /notes", &self.document), ("create", &self.write)] {
            findings.check(outcome == "200" && *time < within, || {
                format!("{during}: {what}: {outcome} in {}", ms(*time))
            });
        }
    }
}

pub(crate) enum SseEvent {
    Change(i64),
    Reset,
    Other,
}

/// An open `text/event-stream`, over a raw connection (chunked encoding decoded here).
pub(crate) struct EventStream {
    pub(crate) reader: BufReader<TcpStream>,
    pub(crate) chunked: bool,
    pub(crate) body: Vec<u8>,
    pub(crate) event: Option<String>,
    pub(crate) id: Option<i64>,
}

impl EventStream {
    /// Opens an event stream from `?after=` and/or `Last-Event-ID`, and reads its opening
    /// `retry:` hint.
    pub(crate) async fn open(
        port: u16,
        after: Option<i64>,
        last_event_id: Option<i64>,
    ) -> Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|error| format!("connect: {error}"))?;
        tcp.set_nodelay(true).map_err(|error| error.to_string())?;
        let query = after
            .map(|after| format!("?after={after}"))
            .unwrap_or_default();
        let resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET /api/lists/events{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Accept: text/event-stream\r\n{resume}\r\n"
        );
        let mut reader = BufReader::new(tcp);
        reader
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .map_err(|error| format!("send: {error}"))?;
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .await
            .map_err(|error| format!("status line: {error}"))?;
        let status = line.split_whitespace().nth(1).unwrap_or("none").to_owned();
        if status != "200" {
            return Err(format!("status {status}"));
        }
        let mut chunked = false;
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .await
                .map_err(|error| format!("headers: {error}"))?;
            if read == 0 {
                return Err("closed in the headers".into());
            }
            let header = line.trim().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if header.starts_with("transfer-encoding:") && header.contains("chunked") {
                chunked = true;
            }
        }
        let mut stream = Self {
            reader,
            chunked,
            body: Vec::new(),
            event: None,
            id: None,
        };
        match stream.next_any().await {
            Ok(Some(SseEvent::Other)) => Ok(stream),
            Ok(Some(_)) => Err("a change before the retry hint".into()),
            Ok(None) => Err("ended before the retry hint".into()),
            Err(error) => Err(format!("read: {error}")),
        }
    }

    /// The next `change` or `reset` event; `None` when the event stream ends.
    pub(crate) async fn next(&mut self) -> std::io::Result<Option<SseEvent>> {
        loop {
            match self.next_any().await? {
                Some(SseEvent::Other) => continue,
                other => return Ok(other),
            }
        }
    }

    pub(crate) async fn next_any(&mut self) -> std::io::Result<Option<SseEvent>> {
        loop {
            while let Some(end) = self.body.iter().position(|byte| *byte == b'\n') {
                let raw: Vec<u8> = self.body.drain(..=end).collect();
                let line = String::from_utf8_lossy(&raw);
                let line = line.trim_end_matches(['\n', '\r']);
                if line.is_empty() {
                    let event = self.event.take();
                    let id = self.id.take();
                    return Ok(Some(match (event.as_deref(), id) {
                        (Some("change"), Some(id)) => SseEvent::Change(id),
                        (Some("reset"), _) => SseEvent::Reset,
                        _ => SseEvent::Other,
                    }));
                } else if let Some(value) = line.strip_prefix("event:") {
                    self.event = Some(value.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("id:") {
                    self.id = value.trim().parse().ok();
                }
            }
            if !self.fill().await? {
                return Ok(None);
            }
        }
    }

    pub(crate) async fn fill(&mut self) -> std::io::Result<bool> {
        if self.chunked {
            let mut size = String::new();
            if self.reader.read_line(&mut size).await? == 0 {
                return Ok(false);
            }
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))?;
            if size == 0 {
                return Ok(false);
            }
            let start = self.body.len();
            self.body.resize(start + size, 0);
            self.reader.read_exact(&mut self.body[start..]).await?;
            let mut crlf = [0; 2];
            self.reader.read_exact(&mut crlf).await?;
            Ok(true)
        } else {
            let mut buffer = [0; 4096];
            let read = self.reader.read(&mut buffer).await?;
            self.body.extend_from_slice(&buffer[..read]);
            Ok(read > 0)
        }
    }
}

/// What an event stream saw of the change log's positions.
#[derive(Default, Debug, Clone)]
pub(crate) struct SeqRecord {
    pub(crate) last: i64,
    pub(crate) received: u64,
    pub(crate) gaps: u64,
    pub(crate) missing: u64,
    pub(crate) duplicates: u64,
    pub(crate) resets: u64,
    pub(crate) reconnects: u64,
    pub(crate) ended: bool,
}

impl SeqRecord {
    pub(crate) fn observe(&mut self, seq: i64) {
        if seq <= self.last {
            self.duplicates += 1;
            return;
        }
        if seq > self.last + 1 {
            self.gaps += 1;
            self.missing += (seq - self.last - 1) as u64;
        }
        self.received += 1;
        self.last = seq;
    }
}

/// Reads an event stream into its record until it ends.
pub(crate) async fn follow(mut stream: EventStream, record: &Mutex<SeqRecord>) {
    loop {
        match stream.next().await {
            Ok(Some(SseEvent::Change(seq))) => record.lock().unwrap().observe(seq),
            Ok(Some(SseEvent::Reset)) => {
                record.lock().unwrap().resets += 1;
                break;
            }
            Ok(Some(SseEvent::Other)) => {}
            Ok(None) | Err(_) => break,
        }
    }
}

/// Waits until every record has reached `target`, for at most `limit`.
pub(crate) async fn catch_up(
    records: &[Arc<Mutex<SeqRecord>>],
    target: i64,
    limit: Duration,
) -> Duration {
    let started = Instant::now();
    while started.elapsed() < limit
        && records
            .iter()
            .any(|record| record.lock().unwrap().last < target)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// Spawned tasks, aborted when dropped (a scenario that fails or times out leaves
/// nothing running).
#[derive(Default)]
pub(crate) struct Tasks<T>(Vec<JoinHandle<T>>);

impl<T: Send + 'static> Tasks<T> {
    pub(crate) fn spawn(&mut self, task: impl Future<Output = T> + Send + 'static) {
        self.0.push(tokio::spawn(task));
    }

    pub(crate) async fn join(mut self) -> Vec<T> {
        let mut results = Vec::with_capacity(self.0.len());
        for handle in std::mem::take(&mut self.0) {
            if let Ok(result) = handle.await {
                results.push(result);
            }
        }
        results
    }
}

impl<T> Drop for Tasks<T> {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}
