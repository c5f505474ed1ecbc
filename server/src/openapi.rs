//! The OpenAPI 3 document of `/api/v1`, generated from the handlers and
//! types themselves (utoipa), so it cannot drift from the code. Served at
//! `/api/v1/openapi.json`, with an interactive page at `/api/docs`
//! (Swagger UI, vendored into the binary: nothing is fetched at run time).

use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::rest;

/// The envelope `crate::error` writes: the model's type, so document,
/// wire and clients agree.
pub use linli_model::error::{ErrorBody, ErrorDetail};

/// The errors every operation may answer with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "only read by the OpenAPI derive, to list the error answers")]
pub enum Errors {
    /// Malformed request.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No session, or it expired.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// Not allowed for this role.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Not found, or not yours.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The request's body did not arrive in time.
    #[response(status = 408)]
    RequestTimeout(ErrorBody),
    /// Illegal state transition or duplicate.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// Too large.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// Unsupported media type.
    #[response(status = 415)]
    Unsupported(ErrorBody),
    /// Well-formed but invalid; `detail` names the field.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// Too many attempts.
    #[response(status = 429)]
    RateLimited(ErrorBody),
    /// An outside service (the identity provider) is unreachable.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(
                "The token from /auth/login, /auth/wechat or /auth/wechat/bind. The web's session cookie works too.",
            )).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linli 邻里 API",
        version = "1",
        description = "The JSON API of Linli, for the WeChat-style mini-program and any other client. \
            JSON in and out (UTF-8), timestamps RFC 3339 UTC, ids are opaque strings. Errors: the HTTP status plus \
            {\"error\": {\"code\", \"message\", \"detail\"}}, the message in the language of Accept-Language \
            (zh-CN by default, en). Lists answer {\"items\": [...], \"next_cursor\": ...}. See docs/mini-program.md."
    ),
    servers((url = "/", description = "this server")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    paths(
        rest::auth::login, rest::auth::logout, rest::auth::me,
        rest::wechat::login, rest::wechat::bind, rest::wechat::add_consents, rest::wechat::consents,
        rest::community::buildings, rest::community::assign_butler, rest::community::unit, rest::community::follow_ups,
        rest::community::follow_up_outcome, rest::staff_entry::units, rest::staff_entry::help_call,
        rest::admin::create_building, rest::admin::import_units, rest::admin::staff, rest::admin::create_person,
        rest::admin::change_staff, rest::admin::settings, rest::admin::update_settings, rest::admin::audit,
        rest::admin::scorecards, rest::admin::butler_scorecard, rest::admin::my_butler,
        rest::uploads::upload,
        rest::repairs::categories, rest::repairs::rating_tags, rest::repairs::create, rest::repairs::list, rest::repairs::detail,
        rest::repairs::act, rest::repairs::rate, rest::repairs::urge, rest::repairs::assignable,
        rest::complaints::create, rest::complaints::list, rest::complaints::stats, rest::complaints::detail,
        rest::complaints::act, rest::complaints::rate, rest::complaints::urge,
        rest::help::press, rest::help::list, rest::help::detail, rest::help::act, rest::help::check_in,
        rest::help::pair_device, rest::help::devices, rest::help::revoke_device,
        rest::elders::list, rest::elders::set_elder, rest::elders::phone, rest::elders::follow_up,
        rest::elders::visits, rest::elders::record_visit, rest::elders::set_visit_schedule, rest::elders::elder_home,
        rest::passes::create, rest::passes::list, rest::passes::revoke, rest::passes::verify, rest::passes::admit,
        rest::passes::expected, rest::passes::entries, rest::passes::units, rest::passes::walk_in,
        rest::passes::walk_ins, rest::passes::decide,
        rest::passes::pause, rest::passes::resume, rest::passes::long_term,
        rest::notices::list, rest::notices::publish, rest::notices::detail, rest::notices::read, rest::notices::unread,
        rest::notices::events, rest::notices::create_event, rest::notices::event, rest::notices::rsvp,
        rest::notices::cancel_rsvp, rest::notices::attendees,
        rest::outages::active, rest::outages::affected, rest::outages::end, rest::outages::extend,
        crate::stream::stream,
    ),
    components(schemas(ErrorBody, ErrorDetail, linli_model::keys::JobListScope, linli_model::keys::JobListStatus)),
    tags(
        (name = "sessions", description = "Sign-in, WeChat-style login, the caller"),
        (name = "community", description = "Buildings, units, butlers"),
        (name = "admin", description = "The manager's console and scorecards"),
        (name = "repairs", description = "Repair jobs, photos, ratings"),
        (name = "complaints", description = "Complaints and suggestions (投诉建议): the LEARN steps, counts"),
        (name = "help", description = "Elderly one-button help and check-ins"),
        (name = "passes", description = "Visitor passes and the gate"),
        (name = "notices", description = "Announcements and events"),
        (name = "live", description = "Server-sent events"),
    )
)]
pub struct ApiDoc;
