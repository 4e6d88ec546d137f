//! Numbers for people: axis steps a reader can count in (1, 2, 2.5 or 5
//! times a power of ten), and values written compactly (`12.4`, `1,200`,
//! never `12.400000001`), so the same data always gives the same text.

/// A value axis: from `lo` to `hi` by `step`, each a whole number of steps,
/// so every gridline is a value a reader can name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ticks {
    /// The first and last tick as counts of `step` (`lo = first * step`).
    first: i64,
    last: i64,
    pub(crate) step: f64,
    /// Decimals the step needs (`2.5` -> 1, `0.02` -> 2).
    decimals: usize,
}

/// The steps, times a power of ten, an axis may count in.
const NICE: [f64; 5] = [1.0, 2.0, 2.5, 5.0, 10.0];

impl Ticks {
    /// Ticks from 0 (or below, for negative data) to cover `min..=max` in
    /// about `target` steps. All zeros (or no data) gives 0 to 1.
    pub(crate) fn nice(min: f64, max: f64, target: usize) -> Ticks {
        let lo = if min.is_finite() { min.min(0.0) } else { 0.0 };
        let hi = if max.is_finite() { max.max(0.0) } else { 0.0 };
        let hi = if hi > lo { hi } else { lo + 1.0 };
        let span = hi - lo;
        let raw = span / target.max(1) as f64;
        let exp = raw.log10().floor() as i32;
        let mag = 10f64.powi(exp);
        let m = NICE
            .iter()
            .copied()
            .find(|&m| m * mag >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0);
        let (m, exp) = if m == 10.0 { (1.0, exp + 1) } else { (m, exp) };
        let step = m * 10f64.powi(exp);
        let decimals = (if m == 2.5 { 1 - exp } else { -exp }).max(0) as usize;
        // The tolerance keeps a value a hair off a tick (float error) on it.
        let first = (lo / step + 1e-9).floor() as i64;
        let last = ((hi / step - 1e-9).ceil() as i64).max(first + 1);
        Ticks {
            first,
            last,
            step,
            decimals: decimals.min(12),
        }
    }

    pub(crate) fn lo(&self) -> f64 {
        self.first as f64 * self.step
    }

    pub(crate) fn hi(&self) -> f64 {
        self.last as f64 * self.step
    }

    /// Every tick's value, lowest first.
    pub(crate) fn values(&self) -> Vec<f64> {
        (self.first..=self.last).map(|k| k as f64 * self.step).collect()
    }

    /// A tick's value as text, with as many decimals as the step needs
    /// (zero, the baseline, plain `0`).
    pub(crate) fn label(&self, value: f64) -> String {
        if value.abs() < self.step / 2.0 {
            return "0".into();
        }
        group(&format!("{:.*}", self.decimals, value))
    }
}

/// A data value as text: six significant digits at most, trailing zeros
/// dropped, thousands grouped (`1,234,567`, `12.4`, `0.00012`).
pub(crate) fn number(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return "0".into();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(0, 12) as usize;
    let fixed = format!("{value:.decimals$}");
    let trimmed = if fixed.contains('.') {
        fixed.trim_end_matches('0').trim_end_matches('.')
    } else {
        &fixed
    };
    group(trimmed)
}

/// Commas between thousands of the whole part; `-0` written `0`.
fn group(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::new();
    let zero = int.bytes().all(|b| b == b'0') && frac.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    if !zero {
        out.push_str(sign);
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A coordinate for the SVG: at most one decimal, no `-0`.
pub(crate) fn coord(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 || !r.is_finite() {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(min: f64, max: f64) -> Vec<String> {
        let t = Ticks::nice(min, max, 5);
        t.values().iter().map(|&v| t.label(v)).collect()
    }

    #[test]
    fn ticks_are_nice_steps_from_zero() {
        assert_eq!(labels(12.4, 35.0), ["0", "10", "20", "30", "40"]);
        assert_eq!(labels(0.0, 100.0), ["0", "20", "40", "60", "80", "100"]);
        assert_eq!(labels(1.0, 12.0), ["0", "2.5", "5.0", "7.5", "10.0", "12.5"]);
        assert_eq!(labels(0.0, 0.3), ["0", "0.1", "0.2", "0.3"]);
        assert_eq!(labels(-7.0, 18.0), ["-10", "-5", "0", "5", "10", "15", "20"]);
        assert_eq!(labels(-3.0, -1.0), ["-3", "-2", "-1", "0"]);
        assert_eq!(
            labels(0.0, 1_200_000.0),
            ["0", "250,000", "500,000", "750,000", "1,000,000", "1,250,000"]
        );
        assert_eq!(labels(0.0, 1.1), ["0", "0.25", "0.50", "0.75", "1.00", "1.25"]);
        // Nothing to scale: 0 to 1.
        assert_eq!(labels(0.0, 0.0), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(labels(f64::NAN, f64::NAN), labels(0.0, 0.0));
    }

    #[test]
    fn every_step_is_a_nice_one() {
        for (min, max) in [
            (0.0, 7.3),
            (-1e15, 1e15),
            (0.0, 1e-7),
            (3.0, 3.0),
            (-0.001, 0.0),
            (0.0, 999.9),
        ] {
            let t = Ticks::nice(min, max, 5);
            let mantissa = t.step / 10f64.powf(t.step.log10().floor());
            assert!(
                NICE.iter().any(|m| (m - mantissa).abs() < 1e-9),
                "{min} {max}: {}",
                t.step
            );
            assert!(t.lo() <= min.min(0.0) && t.hi() >= max.max(0.0), "{min} {max}: {t:?}");
            assert!(t.values().len() <= 12, "{min} {max}: {t:?}");
        }
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(number(12.4), "12.4");
        assert_eq!(number(12.400000001), "12.4");
        assert_eq!(number(35.0), "35");
        assert_eq!(number(1200.0), "1,200");
        assert_eq!(number(-1_234_567.0), "-1,234,567");
        assert_eq!(number(0.00012), "0.00012");
        assert_eq!(number(1.0 / 3.0), "0.333333");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e15), "1,000,000,000,000,000");
    }

    #[test]
    fn coordinates_are_short() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.345), "12.3");
        assert_eq!(coord(-0.01), "0");
        assert_eq!(coord(f64::NAN), "0");
    }
}
