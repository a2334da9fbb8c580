//! Numbers as each language writes them: its digits and its grouping (`1000` is `1,000`
//! in English and `1.000` in German; CLDR writes Arabic with Latin digits). Both sides
//! read CLDR through a well-kept implementation: the server through ICU4X, the browser
//! through its own `Intl`, which carries the same data and so costs the first visit no
//! tables.

use crate::i18n::Locale;

/// `count` written in `locale`'s digits, with its grouping separators.
#[cfg(feature = "hydrate")]
pub fn count(locale: Locale, count: usize) -> String {
    use leptos_i18n::Locale as _;
    // Counts of lists stay far below 2^53, where an f64 holds every integer exactly.
    js_sys::Number::from(count as f64)
        .to_locale_string(locale.as_str())
        .into()
}

/// `count` written in `locale`'s digits, with its grouping separators.
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
pub fn count(locale: Locale, count: usize) -> String {
    let number = icu_decimal::input::Decimal::from(count);
    formatted(locale, &number).unwrap_or_else(|| count.to_string())
}

/// `number` as `locale` writes it; `None` if ICU4X has no data for it (its compiled
/// data covers every CLDR locale, so never as things are).
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
fn formatted(locale: Locale, number: &icu_decimal::input::Decimal) -> Option<String> {
    use icu_decimal::DecimalFormatter;
    use leptos_i18n::Locale as _;
    // Made once per language and thread (ICU4X's data here is not `Sync`): making one
    // looks its data up, and every document writes numbers.
    thread_local! {
        static FORMATTERS: Vec<(Locale, Option<DecimalFormatter>)> = Locale::get_all()
            .iter()
            .map(|&locale| {
                let formatter =
                    DecimalFormatter::try_new(locale.as_icu_locale().into(), Default::default());
                (locale, formatter.ok())
            })
            .collect();
    }
    FORMATTERS.with(|formatters| {
        let (_, formatter) = formatters.iter().find(|(each, _)| *each == locale)?;
        Some(formatter.as_ref()?.format(number).to_string())
    })
}

/// A build for neither side (`cargo check -p app` alone): plain digits.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn count(_: Locale, count: usize) -> String {
    count.to_string()
}

/// How many digits after the point `value` is written with: as many as say something
/// at its size (`0.42`, `4.2`, `42`).
fn fraction_digits(value: f64) -> i32 {
    match value.abs() {
        size if size < 1.0 => 2,
        size if size < 100.0 => 1,
        _ => 0,
    }
}

/// `value` rounded to the digits that say something at its size, in `locale`'s digits,
/// with its separators; no trailing zeros.
#[cfg(feature = "hydrate")]
pub fn decimal(locale: Locale, value: f64) -> String {
    use leptos_i18n::Locale as _;
    let scale = 10f64.powi(fraction_digits(value));
    let rounded = (value * scale).round() / scale;
    // `toLocaleString` writes at most three digits after the point: all of these.
    js_sys::Number::from(rounded)
        .to_locale_string(locale.as_str())
        .into()
}

/// `value` rounded to the digits that say something at its size, in `locale`'s digits,
/// with its separators; no trailing zeros.
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
pub fn decimal(locale: Locale, value: f64) -> String {
    use icu_decimal::input::Decimal;
    let digits = fraction_digits(value);
    // The figures shown stay far below 2^53 / 100, where this is exact.
    let scaled = (value * 10f64.powi(digits)).round() as i64;
    let mut number = Decimal::from(scaled);
    number.multiply_pow10(-(digits as i16));
    number.absolute.trim_end();
    formatted(locale, &number).unwrap_or_else(|| number.to_string())
}

/// A build for neither side: plain digits.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn decimal(_: Locale, value: f64) -> String {
    let digits = fraction_digits(value);
    let scale = 10f64.powi(digits);
    ((value * scale).round() / scale).to_string()
}

#[cfg(all(test, feature = "ssr", not(feature = "hydrate")))]
mod tests {
    use super::count;
    use crate::i18n::Locale;

    #[test]
    fn each_language_writes_its_own_digits_and_grouping() {
        assert_eq!(count(Locale::en, 3), "3");
        assert_eq!(count(Locale::en, 1000), "1,000");
        assert_eq!(count(Locale::de, 1000), "1.000");
        assert_eq!(count(Locale::ar, 3), "3");
        assert_eq!(count(Locale::ar, 1000), "1,000");
    }

    #[test]
    fn decimals_keep_the_digits_that_say_something() {
        use super::decimal;
        assert_eq!(decimal(Locale::en, 0.4251), "0.43");
        assert_eq!(decimal(Locale::de, 4.25), "4,3");
        assert_eq!(decimal(Locale::en, 40.0), "40");
        assert_eq!(decimal(Locale::en, 1234.5), "1,235");
        assert_eq!(decimal(Locale::de, 1234.5), "1.235");
    }
}
