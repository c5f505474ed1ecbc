//! A small trend chart drawn as SVG on the server: it needs no script and
//! reads on a phone. The same numbers are always given in a table beside
//! it, for screen readers and for copying.

use leptos::prelude::*;

/// Bars (one per day) with an optional line of percentages over them.
#[component]
pub fn TrendChart(title: String, bars: Vec<f64>, line: Vec<Option<f64>>) -> impl IntoView {
    const W: f64 = 600.0;
    const H: f64 = 160.0;
    let n = bars.len().max(1) as f64;
    let step = W / n;
    let top = bars.iter().copied().fold(1.0_f64, f64::max);
    let rects = bars
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let h = (v / top) * (H - 20.0);
            view! {
                <rect
                    x=format!("{:.1}", i as f64 * step + 1.0)
                    y=format!("{:.1}", H - h)
                    width=format!("{:.1}", (step - 2.0).max(1.0))
                    height=format!("{:.1}", h)
                    fill="#99d5cf"
                />
            }
        })
        .collect_view();
    let points: Vec<String> = line
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.map(|p| format!("{:.1},{:.1}", i as f64 * step + step / 2.0, H - (p / 100.0) * (H - 20.0)))
        })
        .collect();
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label preserveAspectRatio="none">
            <title>{title}</title>
            {rects}
            <polyline points=points.join(" ") fill="none" stroke="#0f766e" stroke-width="3" />
        </svg>
    }
}
