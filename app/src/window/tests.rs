//! The window's rules, on the crate's small test collection (`collection::letters`).

use super::*;
use crate::collection::letters::{
    event, event_of, info, letter, page, rows, LetterError, LetterKind, Letters,
};
use crate::collection::{Effect, PageFrom, TakeBack};
use leptos::reactive::owner::Owner;

type Letter = <Letters as Collection>::Row;

fn window_with(rows: Vec<Letter>, info: PageInfo) -> Window<Letters> {
    filtered(rows, info, None)
}

fn filtered(rows: Vec<Letter>, info: PageInfo, filter: Option<String>) -> Window<Letters> {
    let rows = KeyedStream::from_rows(rows.into_iter().map(Shown::Saved), Window::<Letters>::LIMIT);
    Window::new(rows, info, filter)
}

fn at(n: i64) -> Position {
    Position::new(n)
}

/// The window's rows as ids, drafts as 0.
fn ids(window: &Window<Letters>) -> Vec<u32> {
    window
        .rows
        .find_all(|_| true)
        .iter()
        .map(|shown| shown.saved().map_or(0, |row| row.id))
        .collect()
}

fn text_of(window: &Window<Letters>, id: u32) -> String {
    window.get(id).unwrap().text
}

fn arrived_ids(window: &Window<Letters>) -> Vec<u32> {
    window
        .arrived
        .get_untracked()
        .iter()
        .map(|row| row.id)
        .collect()
}

fn key(n: u32) -> ChangeKey {
    ChangeKey::parse(&format!("{n:016}")).unwrap()
}

#[test]
fn a_new_row_goes_on_top_when_the_first_rows_are_in_view() {
    Owner::new().with(|| {
        let window = window_with(rows([5, 2]), info(false, false, 10));
        assert!(window.apply(at(11), Effect::Put, letter(9, "i"), false));
        assert!(window.apply(at(12), Effect::Put, letter(3, "c"), false));
        assert_eq!(ids(&window), vec![9, 5, 3, 2]);
    });
}

#[test]
fn new_rows_wait_under_the_button_while_the_start_is_out_of_view() {
    Owner::new().with(|| {
        let window = window_with(rows([5, 2]), info(false, false, 10));
        window.start_in_view(false);
        window.apply(at(11), Effect::Put, letter(9, "i"), false);
        window.apply(at(12), Effect::Put, letter(10, "j"), false);
        assert_eq!(ids(&window), vec![5, 2], "the window does not move");
        assert_eq!(arrived_ids(&window), vec![10, 9]);
        // Changed and removed while waiting: the button follows.
        window.apply(at(13), Effect::Put, letter(9, "changed"), false);
        window.apply(at(14), Effect::Remove, letter(10, "j"), false);
        assert_eq!(window.arrived.get_untracked(), vec![letter(9, "changed")]);
        assert!(window.show_arrived());
        assert_eq!(ids(&window), vec![9, 5, 2]);
        assert!(window.arrived.get_untracked().is_empty());
    });
}

#[test]
fn an_own_new_row_shows_on_top_even_when_scrolled() {
    Owner::new().with(|| {
        let window = window_with(rows([5, 2]), info(false, false, 10));
        window.start_in_view(false);
        window.apply(at(11), Effect::Put, letter(9, "mine"), true);
        assert_eq!(ids(&window), vec![9, 5, 2]);
    });
}

#[test]
fn rows_past_the_window_wait_until_scrolled_to() {
    Owner::new().with(|| {
        let window = window_with(rows([50, 40]), info(false, true, 10));
        window.apply(at(11), Effect::Put, letter(3, "old"), false);
        assert_eq!(ids(&window), vec![50, 40]);
        window.apply(at(12), Effect::Put, letter(45, "inside"), false);
        assert_eq!(ids(&window), vec![50, 45, 40]);
    });
}

#[test]
fn a_filter_keeps_only_matching_rows_and_moves_changed_ones_in_and_out() {
    Owner::new().with(|| {
        let window = filtered(
            vec![letter(5, "tea time"), letter(2, "green tea")],
            info(false, false, 10),
            Some("tea".to_owned()),
        );
        window.apply(at(11), Effect::Put, letter(9, "coffee"), false);
        assert_eq!(ids(&window), vec![5, 2], "not a match");
        window.apply(at(12), Effect::Put, letter(5, "lunch"), false);
        assert_eq!(ids(&window), vec![2], "changed out of the filter");
        window.apply(at(13), Effect::Put, letter(9, "iced tea"), false);
        assert_eq!(ids(&window), vec![9, 2], "changed into it");
    });
}

#[test]
fn the_same_change_twice_is_applied_once() {
    Owner::new().with(|| {
        let window = window_with(rows([2]), info(false, false, 10));
        assert!(window.apply(at(11), Effect::Put, letter(3, "c"), false));
        assert!(!window.apply(at(11), Effect::Put, letter(3, "c"), false));
        assert_eq!(ids(&window), vec![3, 2]);
    });
}

#[test]
fn an_older_event_never_overwrites_a_newer_change() {
    Owner::new().with(|| {
        let window = window_with(rows([2]), info(false, false, 10));
        assert!(window.apply(at(14), Effect::Put, letter(2, "mine"), false));
        assert!(!window.apply(at(12), Effect::Put, letter(2, "theirs"), false));
        assert_eq!(text_of(&window, 2), "mine");
    });
}

#[test]
fn events_the_window_already_holds_are_ignored() {
    Owner::new().with(|| {
        let window = window_with(rows([2]), info(false, false, 10));
        assert!(!window.apply(at(9), Effect::Remove, letter(2, "b"), false));
        assert_eq!(ids(&window), vec![2]);
    });
}

#[test]
fn a_remove_then_a_put_bring_the_row_back_in_place() {
    Owner::new().with(|| {
        let window = window_with(rows([3, 2, 1]), info(false, false, 0));
        window.apply(at(1), Effect::Remove, letter(2, "b"), false);
        assert_eq!(ids(&window), vec![3, 1]);
        window.apply(at(2), Effect::Put, letter(2, "b"), false);
        assert_eq!(ids(&window), vec![3, 2, 1]);
    });
}

#[test]
fn two_quick_changes_never_show_the_first_again() {
    Owner::new().with(|| {
        let window = window_with(vec![letter(1, "a")], info(false, false, 10));
        for text in ["b", "c"] {
            window.put_ahead(letter(1, text));
        }
        window.receive(event(11, 1, "b"));
        assert_eq!(
            text_of(&window, 1),
            "c",
            "the echo of the first change is held"
        );
        window.finish_change(1, Effect::Put, Some((at(11), letter(1, "b"))));
        assert_eq!(
            text_of(&window, 1),
            "c",
            "the first answer does not undo the second"
        );
        window.finish_change(1, Effect::Put, Some((at(12), letter(1, "c"))));
        window.receive(event(12, 1, "c"));
        assert_eq!(text_of(&window, 1), "c");
    });
}

#[test]
fn events_held_during_a_failed_change_are_applied_after_it() {
    Owner::new().with(|| {
        let window = window_with(vec![letter(1, "a")], info(false, false, 10));
        window.put_ahead(letter(1, "mine"));
        window.receive(event(11, 1, "theirs"));
        // The request failed: the change is taken back, then finishes.
        window.take_back(TakeBack::Revert {
            shown: letter(1, "mine"),
            back: letter(1, "a"),
        });
        window.finish_change(1, Effect::Put, None);
        assert_eq!(text_of(&window, 1), "theirs");
    });
}

#[test]
fn taking_back_keeps_a_newer_value_shown_since() {
    Owner::new().with(|| {
        let window = window_with(vec![letter(1, "a")], info(false, false, 10));
        window.put_ahead(letter(1, "first"));
        window.put_ahead(letter(1, "second"));
        window.take_back(TakeBack::Revert {
            shown: letter(1, "first"),
            back: letter(1, "a"),
        });
        assert_eq!(text_of(&window, 1), "second");
    });
}

#[test]
fn the_window_never_holds_more_than_the_limit_when_rows_arrive() {
    Owner::new().with(|| {
        let window = window_with(rows((1..=200).rev()), info(false, false, 10));
        window.apply(at(11), Effect::Put, letter(201, "new"), false);
        assert_eq!(window.rows.len(), MAX_ROWS);
        assert_eq!(ids(&window)[0], 201);
        assert!(
            window.more_at_end.get_untracked(),
            "row 1 was dropped at the end"
        );
    });
}

#[test]
fn a_draft_keeps_its_node_when_the_server_makes_it() {
    Owner::new().with(|| {
        let window = window_with(rows([5, 2]), info(false, false, 10));
        assert!(window.draft(key(1), "mine".to_owned()));
        assert_eq!(
            ids(&window),
            vec![0, 5, 2],
            "drafts are drawn at their edge"
        );
        let node = window.rows.rows()[0].node().clone();
        window.settle(&key(1), at(11), letter(6, "mine"));
        assert_eq!(ids(&window), vec![6, 5, 2]);
        assert_eq!(window.rows.rows()[0].node(), &node, "the same node");
        // The feed's echo of it changes nothing.
        window.receive(event_of(11, LetterKind::Written, 6, "mine"));
        assert_eq!(ids(&window), vec![6, 5, 2]);
    });
}

#[test]
fn a_draft_moves_to_its_place_when_others_were_made_before_it() {
    Owner::new().with(|| {
        let window = window_with(rows([5]), info(false, false, 10));
        window.draft(key(1), "mine".to_owned());
        window.receive(event_of(11, LetterKind::Written, 7, "theirs"));
        assert_eq!(ids(&window), vec![0, 7, 5], "drafts stay at their edge");
        let node = window.rows.rows()[0].node().clone();
        window.settle(&key(1), at(12), letter(6, "mine"));
        assert_eq!(ids(&window), vec![7, 6, 5]);
        assert_eq!(window.rows.rows()[1].node(), &node, "moved, not made again");
    });
}

#[test]
fn a_draft_landed_by_the_feed_is_the_row_its_answer_brings() {
    Owner::new().with(|| {
        let window = window_with(rows([5]), info(false, false, 10));
        window.draft(key(1), "mine".to_owned());
        let node = window.rows.rows()[0].node().clone();
        window.receive(event_of(11, LetterKind::Written, 6, "mine"));
        assert_eq!(ids(&window), vec![6, 5], "settled by the feed");
        window.settle(&key(1), at(11), letter(6, "mine"));
        assert_eq!(ids(&window), vec![6, 5]);
        assert_eq!(window.rows.rows()[0].node(), &node);
    });
}

#[test]
fn a_draft_the_feed_took_for_someone_elses_row_leaves_room_for_its_own() {
    Owner::new().with(|| {
        let window = window_with(rows([5]), info(false, false, 10));
        window.draft(key(1), "milk".to_owned());
        // Someone else made a "milk" first: the feed cannot tell it from this draft.
        window.receive(event_of(11, LetterKind::Written, 6, "milk"));
        assert_eq!(ids(&window), vec![6, 5]);
        // This screen's own answer then brings its own row.
        window.settle(&key(1), at(12), letter(7, "milk"));
        assert_eq!(ids(&window), vec![7, 6, 5]);
        // Only a new row lands a draft; a change to a row it holds never does.
        window.draft(key(2), "tea".to_owned());
        window.receive(event(13, 5, "tea"));
        assert_eq!(ids(&window), vec![0, 7, 6, 5]);
    });
}

#[test]
fn no_draft_is_drawn_while_the_window_does_not_hold_its_edge() {
    Owner::new().with(|| {
        let window = window_with(rows([50, 40]), info(true, false, 10));
        assert!(!window.draft(key(1), "mine".to_owned()));
        window.settle(&key(1), at(11), letter(60, "mine"));
        assert_eq!(ids(&window), vec![50, 40]);
        assert_eq!(arrived_ids(&window), vec![60], "it waits under the button");
    });
}

#[test]
fn a_refused_draft_goes() {
    Owner::new().with(|| {
        let window = window_with(rows([5]), info(false, false, 10));
        window.draft(key(1), "mine".to_owned());
        window.undraft(&key(1));
        assert_eq!(ids(&window), vec![5]);
    });
}

#[test]
fn a_window_away_from_the_first_rows_counts_new_ones_and_shows_them_by_resetting() {
    Owner::new().with(|| {
        let window = window_with(rows([50, 40]), info(true, true, 10));
        window.apply(at(11), Effect::Put, letter(99, "new"), true);
        assert_eq!(ids(&window), vec![50, 40]);
        assert_eq!(window.arrived.get_untracked().len(), 1);
        assert!(
            !window.show_arrived(),
            "the rows between are not loaded: reset"
        );
    });
}

#[test]
fn scrolling_to_the_end_loads_pages_and_drops_rows_from_the_start() {
    Owner::new().with(|| {
        let window = window_with(rows((251..=300).rev()), info(false, true, 10));
        for expected_top in [300, 300, 300, 250, 200] {
            let (query, ticket) = window.start(Fetch::At(Edge::End)).expect("more to load");
            let (None, PageFrom::Following(last)) = query else {
                panic!("{query:?}")
            };
            let newest = last - 1;
            let next = page((newest - 49..=newest).rev(), true, newest - 49 > 1, 10);
            window.finish(Fetch::At(Edge::End), ticket, Ok(next));
            assert!(window.rows.len() <= MAX_ROWS);
            assert_eq!(ids(&window)[0], expected_top);
        }
        assert!(
            window.more_at_start.get_untracked(),
            "rows were dropped at the start"
        );
        assert_eq!(*ids(&window).last().unwrap(), 1);
        assert!(!window.more_at_end.get_untracked());
        assert_eq!(window.start(Fetch::At(Edge::End)), None, "nothing further");
    });
}

#[test]
fn scrolling_to_the_start_loads_pages_and_drops_rows_from_the_end() {
    Owner::new().with(|| {
        let window = window_with(rows((1..=200).rev()), info(true, false, 10));
        let (query, ticket) = window.start(Fetch::At(Edge::Start)).unwrap();
        assert_eq!(query, (None, PageFrom::Preceding(200)));
        window.finish(
            Fetch::At(Edge::Start),
            ticket,
            Ok(page((201..=250).rev(), false, true, 10)),
        );
        assert_eq!(ids(&window)[0], 250);
        assert_eq!(window.rows.len(), MAX_ROWS);
        assert!(window.more_at_end.get_untracked());
        assert!(!window.more_at_start.get_untracked());
    });
}

#[test]
fn a_failed_page_says_why_and_can_be_tried_again() {
    Owner::new().with(|| {
        let window = window_with(rows([5, 4]), info(false, true, 10));
        let (_, ticket) = window.start(Fetch::At(Edge::End)).unwrap();
        assert_eq!(
            window.start(Fetch::At(Edge::End)),
            None,
            "one request at a time"
        );
        window.finish(Fetch::At(Edge::End), ticket, Err(LetterError::Unreachable));
        assert_eq!(
            window.load_at_end.get_untracked(),
            EdgeLoad::Failed(LetterError::Unreachable)
        );
        assert!(window.start(Fetch::At(Edge::End)).is_some(), "Retry");
    });
}

#[test]
fn events_arriving_while_a_page_loads_are_applied_after_it() {
    Owner::new().with(|| {
        let window = window_with(rows([60, 59]), info(false, true, 10));
        let (_, ticket) = window.start(Fetch::At(Edge::End)).unwrap();
        // The page was read before letter 58 changed, but arrives after the event.
        window.receive(event(11, 58, "changed"));
        window.finish(
            Fetch::At(Edge::End),
            ticket,
            Ok(page([58, 57], true, false, 10)),
        );
        assert_eq!(text_of(&window, 58), "changed");
        // An event the page already reflects changes nothing.
        let (_, ticket) = window.start(Fetch::Reset).unwrap();
        window.receive(event(12, 60, "stale"));
        window.finish(
            Fetch::Reset,
            ticket,
            Ok((vec![letter(60, "fresh")], info(false, false, 12))),
        );
        assert_eq!(text_of(&window, 60), "fresh");
    });
}

#[test]
fn a_reset_keeps_surviving_rows_and_drafts_and_drops_answers_to_earlier_requests() {
    Owner::new().with(|| {
        let window = window_with(rows([5, 4, 3]), info(false, true, 10));
        window.draft(key(1), "mine".to_owned());
        let kept = window.rows.rows()[2].value();
        let (_, older) = window.start(Fetch::At(Edge::End)).unwrap();
        let (_, reset) = window.start(Fetch::Reset).unwrap();
        assert!(window.resetting.get_untracked());
        window.finish(Fetch::Reset, reset, Ok(page([9, 4], false, false, 20)));
        window.finish(
            Fetch::At(Edge::End),
            older,
            Ok(page([2, 1], true, false, 20)),
        );
        assert_eq!(ids(&window), vec![0, 9, 4], "the older page was overtaken");
        assert!(
            window.rows.rows()[2].value() == kept,
            "row 4 keeps its node"
        );
        assert!(!window.resetting.get_untracked());
    });
}

#[test]
fn no_edge_page_is_asked_for_while_the_rows_are_being_replaced() {
    Owner::new().with(|| {
        // Scrolled far down: the first rows were dropped at the start.
        let window = window_with(rows((251..=450).rev()), info(true, true, 10));
        window.apply(at(11), Effect::Put, letter(601, "new"), false);
        assert!(
            !window.show_arrived(),
            "the rows between are not loaded: reset"
        );
        let (_, reset) = window.start(Fetch::Reset).unwrap();
        // Scrolling to the start edge, as the button does, must not ask for 451..500.
        assert_eq!(window.start(Fetch::At(Edge::Start)), None);
        assert_eq!(window.start(Fetch::At(Edge::End)), None);
        window.finish(
            Fetch::Reset,
            reset,
            Ok(page((552..=601).rev(), false, true, 11)),
        );
        assert_eq!(ids(&window), (552..=601).rev().collect::<Vec<_>>());
        assert!(
            window.start(Fetch::At(Edge::End)).is_some(),
            "after the reset, the edges go on"
        );
    });
}
