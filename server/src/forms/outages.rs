//! Outage notices without scripts (issue 18): "we are affected too" from
//! the repair form, and ending or extending an outage from its notice.

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::post,
};
use chrono::{DateTime, Utc};
use linli_model::{AppError, Msg, outage::ExtendOutage};
use serde::Deserialize;

use super::{Form, WebUser, local_datetime, page_of, respond};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/outages/{id}/affected", post(affected))
        .route("/forms/outages/{id}/end", post(end))
        .route("/forms/outages/{id}/extend", post(extend))
}

/// The repair form the "affected" button sits on.
const REPORT_FORM: &str = "/repairs/new";

/// "We are affected too" instead of a report; back to the repair form,
/// which then shows the household as counted.
async fn affected(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let outcome = async {
        state.backend.mark_outage_affected(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok(REPORT_FORM.to_string())
    };
    respond(REPORT_FORM, outcome.await)
}

/// Ending an outage from its notice's page.
async fn end(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let page = page_of("/notices", &id);
    let outcome = async {
        state.backend.end_outage(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}

/// The extension form: the new expected end as `datetime-local` (Shanghai).
#[derive(Deserialize)]
struct ExtendForm {
    #[serde(default, deserialize_with = "local_datetime")]
    expected_end: Option<DateTime<Utc>>,
}

async fn extend(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<ExtendForm>,
) -> Response {
    let page = page_of("/notices", &id);
    let outcome = async {
        let expected_end =
            form?.expected_end.ok_or_else(|| AppError::invalid("expected_end", Msg::ErrOutageEndRequired))?;
        state
            .backend
            .extend_outage(&actor, &id, ExtendOutage { expected_end })
            .await
            .map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}
