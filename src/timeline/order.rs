//! Timeline order: by date, then by what the author says (`after:`,
//! `before:`). Events known only to the month or the year cannot be placed
//! among that month's days by their dates; a constraint places them without
//! inventing a day.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::date::PartialDate;

/// The order of events given their `dates` (the default key: first possible
/// day, then the less precise first), their written order (their index), and
/// `edges`: `(a, b)` means `a` comes before `b`.
///
/// Of the events whose predecessors are all placed, the one with the
/// earliest date goes next, so an event held back by a constraint comes
/// right after the event it waits for, and without constraints the order is
/// the default one. `Err` holds the events caught in a cycle.
pub(crate) fn order(dates: &[PartialDate], edges: &[(usize, usize)]) -> Result<Vec<usize>, Vec<usize>> {
    let n = dates.len();
    let mut waiting = vec![0usize; n];
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        waiting[b] += 1;
        after[a].push(b);
    }
    let mut ready: BinaryHeap<Reverse<(PartialDate, usize)>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse((dates[i], i)))
        .collect();
    let mut out = Vec::with_capacity(n);
    while let Some(Reverse((_, i))) = ready.pop() {
        out.push(i);
        for &j in &after[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.push(Reverse((dates[j], j)));
            }
        }
    }
    if out.len() == n {
        Ok(out)
    } else {
        Err((0..n).filter(|&i| waiting[i] > 0).collect())
    }
}

/// Can an event starting on `a_first` come before one ending on `b_last`?
/// Not when it starts after the other has ended.
pub(crate) fn can_precede(a_first: &PartialDate, b_last: &PartialDate) -> bool {
    a_first.first_day() <= b_last.last_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn without_constraints_dates_and_written_order_decide() {
        let dates = [d("2024-07"), d("2024-07-04"), d("2024"), d("2024-07")];
        assert_eq!(order(&dates, &[]), Ok(vec![2, 0, 3, 1]));
    }

    #[test]
    fn a_month_waits_for_the_day_it_comes_after() {
        // 0: July (after 2); 1: 4 July; 2: 5 July; 3: 20 July; 4: July (after 0)
        let dates = [
            d("2024-07"),
            d("2024-07-04"),
            d("2024-07-05"),
            d("2024-07-20"),
            d("2024-07"),
        ];
        assert_eq!(order(&dates, &[(2, 0), (0, 4)]), Ok(vec![1, 2, 0, 4, 3]));
    }

    #[test]
    fn before_holds_the_later_event_back() {
        // 1 must come after 0 although its date sorts first.
        let dates = [d("2024-03"), d("2024")];
        assert_eq!(order(&dates, &[(0, 1)]), Ok(vec![0, 1]));
    }

    #[test]
    fn cycles_are_found() {
        let dates = [d("2024"), d("2024"), d("2024")];
        assert_eq!(order(&dates, &[(0, 1), (1, 0)]), Err(vec![0, 1]));
    }

    #[test]
    fn dates_that_cannot_precede() {
        assert!(can_precede(&d("2024-07"), &d("2024-07-05")));
        assert!(can_precede(&d("2024-07-05"), &d("2024-07")));
        assert!(!can_precede(&d("2024-08"), &d("2024-07-05")));
    }
}
