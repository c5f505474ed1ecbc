//! The scorecards as a spreadsheet (`GET /api/v1/scorecards?format=csv`):
//! one row per butler, with the follow-ups, the jobs by channel and the
//! complaints (issue 17).

use linli_model::{Lang, scorecard::Scorecard, staff_entry::Channel};

use super::super::{Backend, passes::csv_cell};

impl Backend {
    /// UTF-8 with a byte-order mark (so spreadsheet programs read Chinese),
    /// CRLF lines, every cell defused ([`csv_cell`]); the header in `lang`.
    pub fn scorecards_csv(cards: &[Scorecard], lang: Lang) -> String {
        let mut out = String::from("\u{feff}");
        let header: &[&str] = match lang {
            Lang::Zh => &[
                "管家",
                "工单",
                "评分",
                "评价数",
                "响应达标%",
                "完成达标%",
                "一次修好%",
                "回访",
                "回访按时",
                "回访逾期完成",
                "回访逾期未做",
                "业主自报",
                "电话",
                "到访",
                "巡查",
                "投诉",
                "投诉按时响应%",
                "投诉按时办结%",
                "投诉满意度",
                "投诉评价数",
                "投诉业主自报",
                "投诉电话",
                "投诉到访",
                "投诉巡查",
            ],
            Lang::En => &[
                "butler",
                "jobs",
                "rating",
                "ratings",
                "responded_in_sla_pct",
                "resolved_in_sla_pct",
                "first_time_fix_pct",
                "follow_ups",
                "follow_ups_on_time",
                "follow_ups_late",
                "follow_ups_overdue",
                "app",
                "phone",
                "walk_in",
                "patrol",
                "complaints",
                "complaints_responded_in_sla_pct",
                "complaints_resolved_in_sla_pct",
                "complaint_rating",
                "complaint_ratings",
                "complaints_app",
                "complaints_phone",
                "complaints_walk_in",
                "complaints_patrol",
            ],
        };
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
        for c in cards {
            let mut cells = vec![
                c.butler_name.clone(),
                c.jobs.to_string(),
                opt(c.rating_avg),
                c.rating_count.to_string(),
                opt(c.responded_in_sla_pct),
                opt(c.resolved_in_sla_pct),
                opt(c.first_time_fix_pct),
                c.follow_ups_opened.to_string(),
                c.follow_ups_on_time.to_string(),
                c.follow_ups_late.to_string(),
                c.follow_ups_overdue.to_string(),
            ];
            cells.extend(Channel::ALL.iter().map(|ch| c.jobs_by_channel.of(*ch).to_string()));
            // Complaints (投诉建议), counted apart from the repairs above.
            cells.extend([
                c.complaints.to_string(),
                opt(c.complaints_responded_in_sla_pct),
                opt(c.complaints_resolved_in_sla_pct),
                opt(c.complaint_rating_avg),
                c.complaint_rating_count.to_string(),
            ]);
            cells.extend(Channel::ALL.iter().map(|ch| c.complaints_by_channel.of(*ch).to_string()));
            out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        out
    }
}
