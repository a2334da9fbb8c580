//! The status screen: one chart per figure, each a row of a keyed stream rendered by
//! `<For>`, moved one second at a time by the server's status feed.
//!
//! It is `/notes`'s pattern with other rows: the server draws the charts from the
//! samples it holds and sends those samples as hydration data; the browser then follows
//! the feed from the last one, and each second's sample changes each chart's row, which
//! redraws that chart's line and figures and nothing else.

use super::figures::{Chart, Figure, StatusSample, Unit, SECONDS_SHOWN};
use super::{StatusSamples, STATUS_EVENTS_PATH, STATUS_PATH};
use crate::collection::Position;
use crate::feed::{self, FeedHost, FeedStatus, EVENT_ENCODING};
use crate::i18n::{td_string, Locale};
use crate::language::{numbers, I18n, LanguageSwitch};
use crate::stream::{KeyedStream, Limit, StreamRow};
use crate::word;
use leptos::prelude::*;
use std::future::Future;

/// The height of a chart's drawing, in the units of its `viewBox`.
const CHART_HEIGHT: f32 = 60.0;

/// The status screen.
#[component]
pub fn StatusScreen(i18n: I18n) -> impl IntoView {
    let StatusSamples(samples) = StatusSamples::shared();
    let since = samples
        .last()
        .map(|sample| sample.second)
        .unwrap_or_default();
    let charts = KeyedStream::from_rows(
        Figure::ALL.map(|figure| Chart::of(figure, &samples)),
        Limit::None,
    );
    let connection = RwSignal::new(FeedStatus::Connecting);
    let hydrated = RwSignal::new(false);
    let screen = StatusFeed { charts, connection };
    Effect::new(move |_| {
        hydrated.set(true);
        feed::follow::<StatusSample>(screen, since);
    });
    let connection_words = move || {
        let locale = i18n.get_locale();
        match connection.get() {
            // Nothing until the code runs: without it the figures never move, which the
            // `<noscript>` says; words that changed as the code came would shift the page.
            FeedStatus::Connecting if !hydrated.get() => "",
            FeedStatus::Connecting => td_string!(locale, status_connecting),
            FeedStatus::Live => td_string!(locale, status_live),
            FeedStatus::Reconnecting => td_string!(locale, reconnecting),
        }
    };
    let connection_state = move || connection.get().name();
    // With scripts on, a browser keeps what `<noscript>` holds as raw text, so it holds
    // only text, fixed as drawn (a browser without scripts never switches language in
    // place).
    let snapshot = td_string!(i18n.get_locale_untracked(), status_snapshot);
    view! {
        <main
            class="page status-page"
            data-screen="status"
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <section class="card" aria-labelledby="status-heading">
                <header class="card-header">
                    <h1 id="status-heading">{word!(i18n, status_heading)}</h1>
                    <p class="live-indicator" role="status" data-state=connection_state>
                        {connection_words}
                    </p>
                    <LanguageSwitch
                        i18n
                        back=Signal::stored(STATUS_PATH.to_owned())
                        title=|locale| td_string!(locale, status_title)
                    />
                </header>
                <p class="status-intro">
                    {move || {
                        let minutes = SECONDS_SHOWN / 60;
                        td_string!(i18n.get_locale(), status_intro, minutes).to_string()
                    }} {" "} <noscript>{snapshot}</noscript>
                </p>
                <ul class="charts">
                    <For each=move || charts.rows() key=|row| *row.key() let:row>
                        <ChartRow i18n row />
                    </For>
                </ul>
            </section>
        </main>
    }
}

/// One figure: its name, its line over the last fifteen minutes (drawn for the eye
/// only), and the same in words: now, highest and lowest.
#[component]
fn ChartRow(i18n: I18n, row: StreamRow<Chart>) -> impl IntoView {
    let figure = *row.key();
    let chart = row.value();
    let summary = {
        let chart = chart.clone();
        Memo::new(move |_| chart.with(Chart::summary))
    };
    let path = move || chart.with(|chart| chart.path(CHART_HEIGHT));
    let figure_words = move |value: Option<f32>| {
        let locale = i18n.get_locale();
        match value {
            Some(value) => in_unit(locale, figure.unit(), value),
            None => td_string!(locale, status_no_data).to_owned(),
        }
    };
    view! {
        <li class="chart" data-figure=figure.slug()>
            <h2>{move || figure_name(i18n.get_locale(), figure)}</h2>
            <svg
                viewBox=format!("0 0 {SECONDS_SHOWN} {CHART_HEIGHT}")
                preserveAspectRatio="none"
                aria-hidden="true"
                focusable="false"
            >
                <path d=path />
            </svg>
            <dl class="chart-figures">
                <div>
                    <dt>{word!(i18n, status_now)}</dt>
                    <dd data-now>{move || figure_words(summary.get().now)}</dd>
                </div>
                <div>
                    <dt>{word!(i18n, status_highest)}</dt>
                    <dd>{move || figure_words(summary.get().highest)}</dd>
                </div>
                <div>
                    <dt>{word!(i18n, status_lowest)}</dt>
                    <dd>{move || figure_words(summary.get().lowest)}</dd>
                </div>
            </dl>
        </li>
    }
    // A chart's view type is deep; erased here, the screen's stays within the compiler's
    // limits.
    .into_any()
}

/// `value` in `unit`, in `locale`: `12.5/s`, `0.42 ms`.
fn in_unit(locale: Locale, unit: Unit, value: f32) -> String {
    let n = numbers::decimal(locale, f64::from(value));
    match unit {
        Unit::PerSecond => td_string!(locale, unit_per_second, n).to_string(),
        Unit::Milliseconds => td_string!(locale, unit_milliseconds, n).to_string(),
        Unit::Microseconds => td_string!(locale, unit_microseconds, n).to_string(),
        Unit::Count => td_string!(locale, unit_count, n).to_string(),
        Unit::Percent => td_string!(locale, unit_percent, n).to_string(),
        Unit::Mebibytes => td_string!(locale, unit_mebibytes, n).to_string(),
    }
}

fn figure_name(locale: Locale, figure: Figure) -> &'static str {
    match figure {
        Figure::Requests => td_string!(locale, figure_requests),
        Figure::RequestTime => td_string!(locale, figure_request_time),
        Figure::LivePages => td_string!(locale, figure_live_pages),
        Figure::StreamsRefused => td_string!(locale, figure_streams_refused),
        Figure::Events => td_string!(locale, figure_events),
        Figure::FanOut => td_string!(locale, figure_fan_out),
        Figure::Changes => td_string!(locale, figure_changes),
        Figure::ChangeTime => td_string!(locale, figure_change_time),
        Figure::Busy => td_string!(locale, figure_busy),
        Figure::PoolInUse => td_string!(locale, figure_pool_in_use),
        Figure::PoolWait => td_string!(locale, figure_pool_wait),
        Figure::CacheHits => td_string!(locale, figure_cache_hits),
        Figure::NumberingLag => td_string!(locale, figure_numbering_lag),
        Figure::Memory => td_string!(locale, figure_memory),
        Figure::Cpu => td_string!(locale, figure_cpu),
        Figure::OpenFiles => td_string!(locale, figure_open_files),
    }
}

/// The screen as the status feed sees it: its charts, and the connection's state.
#[derive(Clone, Copy)]
struct StatusFeed {
    charts: KeyedStream<Chart>,
    connection: RwSignal<FeedStatus>,
}

impl FeedHost<StatusSample> for StatusFeed {
    fn events_url(&self, after: Position) -> String {
        format!("{STATUS_EVENTS_PATH}?after={after}&encoding={EVENT_ENCODING}")
    }

    fn status(&self, status: FeedStatus) {
        self.connection.set(status);
    }

    fn connected(&self) {}

    /// Each chart takes its figure's value: one row each, nothing else redrawn.
    fn received(&self, sample: StatusSample) {
        for figure in Figure::ALL {
            self.charts.modify(&figure, |chart| chart.add(&sample));
        }
    }

    /// Only when the server's clock went back past this screen's last second: the
    /// charts start again from what the server holds.
    fn reload(&self) -> impl Future<Output = Option<Position>> + 'static {
        self.charts.reset(Figure::ALL.map(Chart::new));
        std::future::ready(Some(Position::default()))
    }
}
