//! The client against live sandboxes, in headless Chromium (`make test` starts them and passes
//! their URLs at compile time): every call and every error class, CORS on and off.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use dt_core::dynatrace::{ApiError, EnvironmentUrl};
use dt_core::token::parse;
use dt_token_checker::client::{check, CheckError, CheckRequest, Metadata};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

const EXAMPLE: &str =
    "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
/// The admin token's secret: `make test` starts the sandbox at `cors()` with it. The page never
/// asks the sandbox's control API: that answers only this machine with the admin token, and
/// sends no CORS headers, so a page (this one included) cannot use it.
const ADMIN_SECRET: &str = match option_env!("DT_SANDBOX_ADMIN_SECRET") {
    Some(secret) => secret,
    None => "ADMINBROWSERTESTSECRET222222222222222222222222222222222222222222",
};

fn cors() -> &'static str {
    option_env!("DT_SANDBOX_URL").unwrap_or("http://127.0.0.1:18181")
}
fn no_cors() -> &'static str {
    option_env!("DT_SANDBOX_NOCORS_URL").unwrap_or("http://127.0.0.1:18182")
}
/// A sandbox started with `--fault <kind>`: `make test` starts one per fault and passes
/// `kind=url` pairs, so each fault test has its own server and none can consume another's.
fn faulty(kind: &str) -> &'static str {
    // Read at compile time (the tests run in a browser); a build without it still compiles, so
    // that clippy can check this file, and each fault test then fails saying why.
    let Some(urls) = option_env!("DT_SANDBOX_FAULT_URLS") else {
        panic!("DT_SANDBOX_FAULT_URLS: scripts/test.sh starts one sandbox per fault and passes their URLs");
    };
    urls.split_whitespace()
        .find_map(|pair| pair.strip_prefix(kind)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no sandbox for fault {kind} in DT_SANDBOX_FAULT_URLS: {urls}"))
}

async fn run(
    env: &str,
    token: &str,
    access_token: Option<&str>,
    timeout: Duration,
) -> Result<Metadata, CheckError> {
    let environment = EnvironmentUrl::parse(env).expect("environment URL");
    let token = parse(token).expect("token");
    let abort = AbortController::new().expect("AbortController");
    check(
        CheckRequest {
            environment: &environment,
            token: &token,
            access_token,
            timeout,
        },
        &abort,
    )
    .await
}

async fn lookup(
    env: &str,
    token: &str,
    access_token: Option<&str>,
) -> Result<Metadata, CheckError> {
    run(env, token, access_token, Duration::from_secs(5)).await
}

/// The admin token's full form: the sandbox's fixed public part and the secret above.
fn admin_token() -> String {
    format!("dt0c01.SANDBOXADMIN222222222222.{ADMIN_SECRET}")
}

#[wasm_bindgen_test]
async fn a_token_looks_itself_up() {
    let Ok(Metadata::Api(token)) = lookup(cors(), EXAMPLE, None).await else {
        panic!("lookup failed")
    };
    assert_eq!(token.name.as_deref(), Some("myToken"));
    assert_eq!(token.owner.as_deref(), Some("john.smith"));
    assert_eq!(
        token.scopes.as_deref(),
        Some(&["metrics.read".to_owned()][..])
    );
}

#[wasm_bindgen_test]
async fn an_api_token_id_is_looked_up_with_an_access_token() {
    let admin = admin_token();
    let result = lookup(cors(), "dt0c01.ST2EY72KQINMH574WMNVI7YN", Some(&admin)).await;
    let Ok(Metadata::Api(token)) = result else {
        panic!("get by id failed: {result:?}")
    };
    assert_eq!(token.id.as_deref(), Some("dt0c01.ST2EY72KQINMH574WMNVI7YN"));
}

#[wasm_bindgen_test]
async fn an_activegate_token_id_is_looked_up() {
    let admin = admin_token();
    let result = lookup(cors(), "dt0g02.4KWZO5EF", Some(&admin)).await;
    let Ok(Metadata::ActiveGate(token)) = result else {
        panic!("activegate failed: {result:?}")
    };
    assert_eq!(token.id.as_deref(), Some("dt0g02.4KWZO5EF"));
}

#[wasm_bindgen_test]
async fn an_id_without_an_access_token_is_not_sent() {
    let result = lookup(cors(), "dt0c01.ST2EY72KQINMH574WMNVI7YN", None).await;
    assert_eq!(
        result,
        Err(CheckError::NeedsAccessToken {
            scope: "apiTokens.read"
        })
    );
}

#[wasm_bindgen_test]
async fn a_platform_token_is_not_sent() {
    let platform = "dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let result = lookup(cors(), platform, None).await;
    assert!(
        matches!(result, Err(CheckError::NotPossible { .. })),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn an_unknown_secret_is_not_found() {
    let unknown = "dt0c01.ST2EY72KQINMH574WMNVI7YN.AAAAPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    let admin = admin_token();
    let result = lookup(cors(), unknown, Some(&admin)).await;
    assert!(
        matches!(result, Err(CheckError::Api(ApiError::NotFound))),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn a_wrong_access_token_is_unauthorized() {
    let wrong = "dt0c01.ZZZZZZZZZZZZZZZZZZZZZZZZ.ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    let result = lookup(cors(), "dt0c01.ST2EY72KQINMH574WMNVI7YN", Some(wrong)).await;
    assert!(
        matches!(result, Err(CheckError::Api(ApiError::Unauthorized { .. }))),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn a_missing_scope_is_named() {
    // The example token only has metrics.read.
    let result = lookup(cors(), "dt0c01.ST2EY72KQINMH574WMNVI7YN", Some(EXAMPLE)).await;
    match result {
        Err(CheckError::Api(ApiError::Forbidden { missing_scope, .. })) => {
            assert_eq!(missing_scope.as_deref(), Some("apiTokens.read"))
        }
        other => panic!("expected 403, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_server_without_cors_is_reported_as_blocked() {
    let result = lookup(no_cors(), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::Network {
                cross_origin: true,
                ..
            }))
        ),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn nothing_listening_is_a_network_error() {
    let result = lookup("http://127.0.0.1:9", EXAMPLE, None).await;
    assert!(
        matches!(result, Err(CheckError::Api(ApiError::Network { .. }))),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn a_cancelled_lookup_says_aborted() {
    let environment = EnvironmentUrl::parse(cors()).expect("env");
    let token = parse(EXAMPLE).expect("token");
    let abort = AbortController::new().expect("abort");
    abort.abort();
    let request = CheckRequest {
        environment: &environment,
        token: &token,
        access_token: None,
        timeout: Duration::from_secs(5),
    };
    let result = check(request, &abort).await;
    assert_eq!(result, Err(CheckError::Api(ApiError::Aborted)));
}

#[wasm_bindgen_test]
async fn a_rate_limit_says_when_to_retry() {
    // That sandbox runs with `--fault rate-limit --retry-after 7`.
    let result = lookup(faulty("rate-limit"), EXAMPLE, None).await;
    match result {
        Err(CheckError::Api(ApiError::RateLimited { retry_after })) => {
            assert_eq!(
                retry_after,
                Some(Duration::from_secs(7)),
                "Retry-After must be readable cross-origin"
            )
        }
        other => panic!("rate-limit: {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_rate_limit_without_retry_after() {
    let result = lookup(faulty("rate-limit-no-retry-after"), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::RateLimited { retry_after: None }))
        ),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn server_errors_keep_their_status() {
    let result = lookup(faulty("server-error"), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::Server { status: 500, .. }))
        ),
        "{result:?}"
    );

    let result = lookup(faulty("service-unavailable"), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::Server { status: 503, .. }))
        ),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn html_instead_of_json_is_not_json() {
    let result = lookup(faulty("proxy-html"), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::NotJson { status: 502, .. }))
        ),
        "{result:?}"
    );

    let result = lookup(faulty("html-200"), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::NotJson { status: 200, .. }))
        ),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn broken_json_and_an_unexpected_shape_are_told_apart() {
    let result = lookup(faulty("malformed-json"), EXAMPLE, None).await;
    assert!(
        matches!(result, Err(CheckError::Api(ApiError::BrokenJson { .. }))),
        "{result:?}"
    );

    let result = lookup(faulty("wrong-shape"), EXAMPLE, None).await;
    assert!(
        matches!(
            result,
            Err(CheckError::Api(ApiError::UnexpectedShape { .. }))
        ),
        "{result:?}"
    );
}

#[wasm_bindgen_test]
async fn a_hanging_server_times_out_and_the_next_check_works() {
    let result = run(faulty("hang"), EXAMPLE, None, Duration::from_millis(500)).await;
    assert_eq!(
        result,
        Err(CheckError::Api(ApiError::Timeout {
            after: Duration::from_millis(500)
        }))
    );

    // Nothing is left stuck: the same check against a sandbox without a fault succeeds.
    let result = lookup(cors(), EXAMPLE, None).await;
    assert!(result.is_ok(), "after a timeout: {result:?}");
}

/// What any web page open during `make demo` would try: the control API answers no browser
/// page, with the admin token or without (no CORS headers, so the browser hides the answer).
#[wasm_bindgen_test]
async fn a_page_cannot_read_the_control_api() {
    for auth in [None, Some(format!("Api-Token {}", admin_token()))] {
        let mut request = gloo_net::http::Request::get(&format!("{}/_sandbox/tokens", cors()));
        if let Some(a) = &auth {
            request = request.header("Authorization", a);
        }
        let result = request.send().await;
        assert!(
            result.is_err(),
            "the page read /_sandbox/tokens (token sent: {})",
            auth.is_some()
        );
    }
    let switched = gloo_net::http::Request::put(&format!("{}/_sandbox/fault", cors()))
        .header("Content-Type", "application/json")
        .body(r#"{"kind":"server-error"}"#)
        .expect("request")
        .send()
        .await;
    assert!(switched.is_err(), "the page reached PUT /_sandbox/fault");
    let result = lookup(cors(), EXAMPLE, None).await;
    assert!(result.is_ok(), "no fault was switched on: {result:?}");
}

#[wasm_bindgen_test]
fn the_page_mount_point_is_optional() {
    // Loading the bundle on a page without the checker's element must do nothing.
    dt_token_checker::start();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    assert!(document.query_selector(".dtc").ok().flatten().is_none());
    let _ = document
        .body()
        .map(|b| b.unchecked_into::<web_sys::HtmlElement>());
}

mod lists {
    use super::*;
    use dt_core::dynatrace::queries::{ListQuery, Page, V1Filter};
    use dt_token_checker::client::{CallError, Client};

    fn client(credential: &str) -> Client {
        let env = EnvironmentUrl::parse(cors()).expect("env");
        let abort = AbortController::new().expect("abort");
        Client::new(
            &env,
            credential,
            "access token",
            Duration::from_secs(5),
            &abort,
        )
        .expect("sendable")
    }

    #[wasm_bindgen_test]
    async fn the_v2_list_pages_with_fields_and_a_selector() {
        let admin = client(&admin_token());
        let query = ListQuery {
            page_size: Some(100),
            fields: Some("+scopes".into()),
            selector: Some("owner(\"john.smith\")".into()),
            ..ListQuery::default()
        };
        let page = admin
            .api_tokens_page(Page::First(&query))
            .await
            .expect("first page");
        assert!(!page.api_tokens.is_empty());
        assert!(page
            .api_tokens
            .iter()
            .all(|t| t.owner.as_deref() == Some("john.smith") && t.scopes.is_some()));
        assert_eq!(
            page.next_page_key, None,
            "the selected tokens fit in one page"
        );

        let all = admin
            .api_tokens_page(Page::First(&ListQuery::default()))
            .await
            .expect("all");
        assert!(all.total_count.unwrap_or_default() >= all.api_tokens.len() as u64);

        // 400: Dynatrace's constraint violations come through, listed.
        let too_small = ListQuery {
            page_size: Some(5),
            ..ListQuery::default()
        };
        match admin.api_tokens_page(Page::First(&too_small)).await {
            Err(CallError::Api(ApiError::BadRequest { violations, .. })) => {
                assert_eq!(
                    violations.first().and_then(|v| v.path.as_deref()),
                    Some("pageSize")
                )
            }
            other => panic!("expected 400, got {other:?}"),
        }
    }

    #[wasm_bindgen_test]
    async fn the_activegate_and_v1_lists() {
        let admin = client(&admin_token());
        let ag = admin
            .activegate_tokens_page(Page::First(&ListQuery::default()))
            .await
            .expect("ag list");
        assert!(ag
            .active_gate_tokens
            .iter()
            .any(|t| t.id.as_deref() == Some("dt0g02.4KWZO5EF")));

        let filter = V1Filter {
            permissions: vec!["DataExport".into(), "logs.read".into()],
            limit: Some(10),
            ..V1Filter::default()
        };
        let v1 = admin.v1_tokens(&filter).await.expect("v1 list");
        let names: Vec<_> = v1.values.iter().filter_map(|v| v.name.clone()).collect();
        assert_eq!(names, ["automation-god-mode"]);
        let id = v1.values[0].id.clone().expect("id");
        let one = admin.v1_token(&id).await.expect("v1 token");
        assert_eq!(one.name.as_deref(), Some("automation-god-mode"));

        let denied = client(EXAMPLE).v1_tokens(&V1Filter::default()).await;
        assert!(
            matches!(denied, Err(CallError::Api(ApiError::Forbidden { .. }))),
            "{denied:?}"
        );
    }

    #[wasm_bindgen_test]
    fn a_credential_a_header_cant_carry_is_refused_as_such_not_as_a_network_error() {
        let env = EnvironmentUrl::parse(cors()).expect("env");
        let abort = AbortController::new().expect("abort");
        let refused = Client::new(
            &env,
            "dt0c01.ABC\u{2026}",
            "access token",
            Duration::from_secs(5),
            &abort,
        )
        .err();
        assert!(
            matches!(
                refused,
                Some(CallError::Refused(
                    dt_token_checker::client::Refused::NotSendable { position: 11, .. }
                ))
            ),
            "{refused:?}"
        );
    }
}
