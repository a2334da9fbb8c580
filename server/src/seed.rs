//! `seed --count N`: lists with `fake` names, inserted in batched transactions.

use app::lists::{
    ssr::{ListStore, StoreError},
    ListName,
};
use fake::{faker::lorem::en::Words, Fake};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Lists per transaction: large enough to be fast, small enough not to block writers long.
const BATCH: u64 = 5_000;

/// Inserts `count` lists named with two or three lorem words, like the seed's
/// `Faker.Lorem.words(2)`. Shows a progress bar when stderr is a terminal.
pub async fn insert_fake_lists(store: &ListStore, count: u64) -> Result<(), StoreError> {
    let progress = ProgressBar::with_draw_target(Some(count), ProgressDrawTarget::stderr());
    if count >= BATCH {
        progress.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} lists ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        progress.set_draw_target(ProgressDrawTarget::hidden());
    }
    let mut remaining = count;
    while remaining > 0 {
        let batch = remaining.min(BATCH);
        let names: Vec<ListName> = std::iter::repeat_with(fake_name)
            .flatten()
            .take(batch as usize)
            .collect();
        store.insert_many(&names).await?;
        progress.inc(batch);
        remaining -= batch;
    }
    progress.finish_and_clear();
    Ok(())
}

/// "Lorem ipsum" style: two or three words, the first capitalised.
pub fn fake_name() -> Option<ListName> {
    let words: Vec<String> = Words(2..4).fake();
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        let upper = first.to_uppercase();
        text.replace_range(..1, &upper);
    }
    ListName::parse(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_names_are_two_or_three_capitalised_words() {
        for _ in 0..200 {
            let name = fake_name().expect("lorem words make a valid name");
            let words = name.as_str().split(' ').count();
            assert!((2..=3).contains(&words), "{name}");
            assert!(
                name.as_str().starts_with(|c: char| c.is_uppercase()),
                "{name}"
            );
        }
    }
}
