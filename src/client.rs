//! The app's one edge to the network: a small [`Client`] (where calls go, the credential, the
//! time limit and the switch that cancels them) with one generic [`Client::get`] and
//! [`Client::post`] that every call builds on: the look-up, the lists of the inventory, a token
//! by ID. Everything an answer can mean is decided by the pure
//! `dt_core::dynatrace::decode_response`; this module only adds what needs a browser: fetch, the
//! timeout, cancellation, and telling a blocked call from an answered one. Many calls at once
//! (the inventory's per-token details) go through [`pool`].
//!
//! Two rules hold here for every call, because only here can they hold for all:
//! - **No redirect is followed** (`redirect: "manual"`). A 307/308 would make the browser send
//!   the same request, with its `Authorization` header and its body (the full token, for a
//!   look-up), to wherever the answer points. With "manual" the browser stops and hands back an
//!   "opaque redirect": status 0, no headers, no body. The browser does not let a page read the
//!   `Location` of such an answer (Fetch standard, "opaque-redirect filtered response"), so the
//!   app can say that the environment redirected, but not where to; it says so honestly.
//!   ("error" mode would be as safe, but fails like a dead server, which can't be told apart.)
//! - **Nothing throws past this edge.** A credential an HTTP header can't carry (`…` pasted from
//!   a document) is refused before anything is built, with its position; headers are set on
//!   `web_sys::Headers` whose errors are results, not gloo's `unwrap_throw`, which used to leave
//!   the check on "Checking…" for ever.

pub mod pool;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use chrono::Utc;
use dt_core::dynatrace::queries::{Page, V1Filter};
use dt_core::dynatrace::{
    decode_response_with, ActiveGateToken, ActiveGateTokenList, ApiError, ApiToken, ApiTokenList,
    ApiTokenSecret, EnvironmentUrl, FromJson, StubList, TokenMetadata,
};
use dt_core::token::{Lookup, ParsedToken};
use gloo_net::http::{Headers, Request, RequestBuilder, Response};
use gloo_timers::callback::Timeout;
use web_sys::AbortController;

/// How long a call may take before the app gives up on it. A real environment answers token
/// calls in well under a second; a proxy that swallows requests should not leave people waiting.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// What the token endpoints return, by endpoint.
#[derive(Clone, Debug, PartialEq)]
pub enum Metadata {
    Api(ApiToken),
    ActiveGate(ActiveGateToken),
    Legacy(TokenMetadata),
}

/// Why this edge sent nothing, or did not follow: the two refusals of its own.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refused {
    /// The environment answered with a redirect (3xx); it was not followed, so the request
    /// (and any token in it) went nowhere else. `from` is the environment's address; where the
    /// redirect pointed is hidden from pages by the browser.
    #[error("{from} answered with a redirect, which the checker never follows: the token was not sent on. The browser does not show a page where a redirect points.")]
    Redirect { from: String },
    /// A credential has a character an HTTP header can't carry; nothing was sent.
    #[error("The {field} has {what} at position {position}, which an HTTP header can't carry (tokens are letters, digits and dots); nothing was sent. Copy it again from Dynatrace, or retype that character.")]
    NotSendable {
        field: &'static str,
        position: usize,
        what: String,
    },
}

/// Why one call produced no model. (The list calls used to fold a refusal into
/// `ApiError::Network`, which then read as "no answer"; it keeps its own variant now.)
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CallError {
    /// Dynatrace (or whatever answered in its place) said no, or the call never got an answer.
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Refused(#[from] Refused),
}

impl CallError {
    /// The API error behind it, if the call was sent and answered (or timed out).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            CallError::Api(api) => Some(api),
            CallError::Refused(_) => None,
        }
    }

    /// Whether asking again unchanged may help: a status dt-core's retry rule names (429, 502,
    /// 503, 504), or no answer at all (network, timeout, offline). A refusal of this edge, a
    /// cancelled call or any other answer would come out the same.
    pub fn is_retryable(&self) -> bool {
        match self.api() {
            Some(api) => match api.status() {
                Some(status) => dt_core::dynatrace::retry::is_retryable_status(status),
                None => matches!(
                    api,
                    ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Offline
                ),
            },
            None => false,
        }
    }
}

/// Why a check did not produce metadata.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CheckError {
    /// Dynatrace (or whatever answered in its place) said no, or the call never got an answer.
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Refused(#[from] Refused),
    /// Looking up by ID needs a second token that may read token metadata.
    #[error("Looking up a token by its ID needs an access token with the {scope} scope")]
    NeedsAccessToken { scope: &'static str },
    /// The token kind has no endpoint to look it up (platform tokens, OAuth secrets, ...).
    #[error("{reason}")]
    NotPossible { reason: &'static str },
}

impl From<CallError> for CheckError {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Api(api) => CheckError::Api(api),
            CallError::Refused(refused) => CheckError::Refused(refused),
        }
    }
}

/// The first character of a credential field, as typed, that can't be sent in a token header:
/// its 1-based position and a description that never quotes the field. Leading and trailing
/// whitespace is trimmed before sending, so it is allowed; anything else outside printable
/// ASCII is refused (non-ISO-8859-1 characters make `Headers.set` throw; control characters
/// and spaces are never part of a token either).
pub fn unsendable(field: &str) -> Option<(usize, String)> {
    let trimmed = field.trim();
    let lead = field[..field.len() - field.trim_start().len()]
        .chars()
        .count();
    let (i, c) = trimmed
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_graphic())?;
    let what = match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
        c if c.is_whitespace() => format!("a space character (U+{:04X})", u32::from(c)),
        c => format!("a character outside plain ASCII (U+{:04X})", u32::from(c)),
    };
    Some((lead + i + 1, what))
}

/// Where calls go, the credential they carry, how long each may take, and the switch that
/// cancels them. Cheap to clone (the credential is shared, not copied); [`Client::with_abort`]
/// gives a copy with its own switch, which is how the pool cancels one call without the others.
///
/// It holds the credential only as long as whoever made it keeps it: the views build one when
/// a load starts and drop it when it ends. `Debug` is not derived: it would print the secret.
#[derive(Clone)]
pub struct Client {
    environment: EnvironmentUrl,
    credential: Rc<str>,
    timeout: Duration,
    abort: AbortController,
    /// Told each answer's status as soon as its head is in, before its body is read: how the
    /// pool frees a call's place while the body is still on its way ([`Client::on_answer`]).
    on_answer: Option<Rc<dyn Fn(u16)>>,
}

impl Client {
    /// A client for `environment` that authenticates with `credential` (trimmed). A credential
    /// with a character a header can't carry is refused here, before anything is built;
    /// `field` names it in the message ("access token", "token").
    pub fn new(
        environment: &EnvironmentUrl,
        credential: &str,
        field: &'static str,
        timeout: Duration,
        abort: &AbortController,
    ) -> Result<Client, CallError> {
        if let Some((position, what)) = unsendable(credential) {
            return Err(Refused::NotSendable {
                field,
                position,
                what,
            }
            .into());
        }
        Ok(Client {
            environment: environment.clone(),
            credential: credential.trim().into(),
            timeout,
            abort: abort.clone(),
            on_answer: None,
        })
    }

    /// The same client, telling `hook` each answer's status as soon as the status and headers
    /// are in (before the body is read; not for a call that got no answer).
    pub fn on_answer(&self, hook: impl Fn(u16) + 'static) -> Client {
        Client {
            on_answer: Some(Rc::new(hook)),
            ..self.clone()
        }
    }

    /// The same client with another cancel switch.
    pub fn with_abort(&self, abort: &AbortController) -> Client {
        Client {
            abort: abort.clone(),
            ..self.clone()
        }
    }

    /// The same time limit and cancel switch for another environment and credential: how the
    /// scan's pool sends each found token to its own environment, authenticated by itself.
    pub fn for_call(
        &self,
        environment: &EnvironmentUrl,
        credential: &str,
        field: &'static str,
    ) -> Result<Client, CallError> {
        let client = Client::new(environment, credential, field, self.timeout, &self.abort)?;
        Ok(Client {
            on_answer: self.on_answer.clone(),
            ..client
        })
    }

    /// How long each call may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn environment(&self) -> &EnvironmentUrl {
        &self.environment
    }

    /// Cancels every call of this client (and of its clones that share the switch).
    pub fn abort(&self) {
        self.abort.abort();
    }

    /// `GET {api}{path}`: `path` starts with `/` and carries its own query string.
    pub async fn get<T: FromJson>(&self, path: &str) -> Result<T, CallError> {
        let url = format!("{}{path}", self.environment.api_base());
        Ok(self.send(Request::get(&url), None).await?.decode()?)
    }

    /// `POST {api}{path}` with a JSON body.
    pub async fn post<T: FromJson>(&self, path: &str, body: String) -> Result<T, CallError> {
        let url = format!("{}{path}", self.environment.api_base());
        Ok(self.send(Request::post(&url), Some(body)).await?.decode()?)
    }

    /// `POST /api/v2/apiTokens/lookup`: the metadata of a full API token, which needs no scope.
    /// Also how the inventory learns what its access token may read (look it up with itself).
    pub async fn lookup_api_token(&self, token: &str) -> Result<ApiToken, CallError> {
        let body = serde_json::to_string(&ApiTokenSecret {
            token: token.trim().to_owned(),
        })
        .unwrap_or_default();
        self.post("/v2/apiTokens/lookup", body).await
    }

    /// `GET /api/v2/apiTokens/{id}`.
    pub async fn api_token(&self, id: &str) -> Result<ApiToken, CallError> {
        self.get(&format!("/v2/apiTokens/{}", encode_path(id)))
            .await
    }

    /// `GET /api/v2/activeGateTokens/{id}`.
    pub async fn activegate_token(&self, id: &str) -> Result<ActiveGateToken, CallError> {
        self.get(&format!("/v2/activeGateTokens/{}", encode_path(id)))
            .await
    }

    /// `GET /api/v1/tokens/{id}` (deprecated; the only way to a v1 list entry's metadata).
    pub async fn v1_token(&self, id: &str) -> Result<TokenMetadata, CallError> {
        self.get(&format!("/v1/tokens/{}", encode_path(id))).await
    }

    /// One page of `GET /api/v2/apiTokens`: the first for a query, or the one after a
    /// `nextPageKey`.
    pub async fn api_tokens_page(&self, page: Page<'_>) -> Result<ApiTokenList, CallError> {
        self.get(&format!("/v2/apiTokens{}", page.query_string()))
            .await
    }

    /// One page of `GET /api/v2/activeGateTokens`.
    pub async fn activegate_tokens_page(
        &self,
        page: Page<'_>,
    ) -> Result<ActiveGateTokenList, CallError> {
        self.get(&format!("/v2/activeGateTokens{}", page.query_string()))
            .await
    }

    /// `GET /api/v1/tokens` (deprecated, but the only list with legacy tokens): IDs and names.
    pub async fn v1_tokens(&self, filter: &V1Filter) -> Result<StubList, CallError> {
        self.get(&format!("/v1/tokens{}", filter.query_string()))
            .await
    }

    /// Sends with the credential and the timeout; an answer of any status is a `Reply`, only no
    /// answer at all is an error here. (Not generic over the model, so it exists once.)
    async fn send(
        &self,
        builder: RequestBuilder,
        body: Option<String>,
    ) -> Result<Reply, CallError> {
        let signal = self.abort.signal();
        if signal.aborted() {
            return Err(ApiError::Aborted.into());
        }
        let not_built = |_| ApiError::network("The browser could not build the request.", false);
        let headers = web_sys::Headers::new().map_err(not_built)?;
        headers
            .set("Authorization", &format!("Api-Token {}", self.credential))
            .map_err(not_built)?;
        headers
            .set("Accept", "application/json; charset=utf-8")
            .map_err(not_built)?;
        if body.is_some() {
            headers
                .set("Content-Type", "application/json")
                .map_err(not_built)?;
        }
        let builder = builder
            .headers(Headers::from_raw(headers))
            .redirect(web_sys::RequestRedirect::Manual)
            .abort_signal(Some(&signal));
        let request = match body {
            Some(body) => builder.body(body),
            None => builder.build(),
        }
        .map_err(|e| ApiError::network(e.to_string(), false))?;

        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (timed_out, abort) = (timed_out.clone(), self.abort.clone());
            let millis = u32::try_from(self.timeout.as_millis()).unwrap_or(u32::MAX);
            Timeout::new(millis, move || {
                timed_out.set(true);
                abort.abort();
            })
        };
        let outcome = read(request, self.on_answer.as_deref()).await;
        drop(timer);

        match outcome {
            Ok(Read::Redirected) => Err(Refused::Redirect {
                from: crate::components::absolute_url(&self.environment.api_base()),
            }
            .into()),
            Ok(Read::Answer(reply)) => Ok(reply),
            Err(_) if timed_out.get() => Err(ApiError::Timeout {
                after: self.timeout,
            }
            .into()),
            Err(_) if signal.aborted() => Err(ApiError::Aborted.into()),
            Err(_) if browser_is_offline() => Err(ApiError::Offline.into()),
            // The browser's own words go through the one redaction path: some put header
            // values (the token) into a fetch error.
            Err(detail) => Err(ApiError::network(
                detail,
                environment_is_cross_origin(&self.environment),
            )
            .into()),
        }
    }
}

/// Everything one look-up needs. The secret lives only as long as this value.
pub struct CheckRequest<'a> {
    pub environment: &'a EnvironmentUrl,
    pub token: &'a ParsedToken,
    /// A separate token to authenticate with; without one, a full token authenticates itself.
    pub access_token: Option<&'a str>,
    pub timeout: Duration,
}

/// Runs the look-up that the parsed token calls for. `abort` cancels it: the caller aborts when
/// a newer input makes this answer unwanted.
pub async fn check(
    request: CheckRequest<'_>,
    abort: &AbortController,
) -> Result<Metadata, CheckError> {
    let lookup = request.token.lookup();
    check_by(request, lookup, abort).await
}

/// [`check`], with the look-up chosen by the caller when it knows more than the token's form:
/// an inventory row read through the v1 list is read through v1 (`Lookup::V1TokenById`), though
/// its ID alone (`dt0c01.…`) would pick v2.
pub async fn check_by(
    request: CheckRequest<'_>,
    lookup: Lookup,
    abort: &AbortController,
) -> Result<Metadata, CheckError> {
    let token = request.token;
    if let Some((position, what)) = request.access_token.and_then(unsendable) {
        return Err(Refused::NotSendable {
            field: "access token",
            position,
            what,
        }
        .into());
    }
    let access_token = request
        .access_token
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let client = |credential: &str| {
        Client::new(
            request.environment,
            credential,
            "token",
            request.timeout,
            abort,
        )
    };
    let needs = |scope| access_token.ok_or(CheckError::NeedsAccessToken { scope });
    match lookup {
        Lookup::ApiTokenBySecret => {
            let Some(full) = token.full_token() else {
                return Err(CheckError::NotPossible {
                    reason: "This token has no secret part to look up.",
                });
            };
            // A token may look itself up: with no separate access token, it is its own credential.
            let auth = access_token.unwrap_or(full.expose());
            let client = client(auth)?;
            Ok(Metadata::Api(client.lookup_api_token(full.expose()).await?))
        }
        Lookup::ApiTokenById => {
            let client = client(needs("apiTokens.read")?)?;
            Ok(Metadata::Api(client.api_token(token.id()).await?))
        }
        Lookup::ActiveGateTokenById => {
            let client = client(needs("activeGateTokenManagement.read")?)?;
            Ok(Metadata::ActiveGate(
                client.activegate_token(token.id()).await?,
            ))
        }
        Lookup::V1TokenById => {
            let client = client(needs("TenantTokenManagement")?)?;
            Ok(Metadata::Legacy(client.v1_token(token.id()).await?))
        }
        Lookup::NotPossible { reason } => Err(CheckError::NotPossible { reason }),
    }
}

/// Token IDs are `[A-Za-z0-9.-]`, but a pasted ID is user input: never let it change the path.
fn encode_path(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

/// Whether the browser reports no network at all (`navigator.onLine` false). Only consulted
/// after a fetch failed: `onLine` true proves nothing, but false means the failure is ours, not
/// the server's or CORS's, and the message should say so.
fn browser_is_offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// What came back: an answer to decode, or a redirect that was not followed.
enum Read {
    Answer(Reply),
    Redirected,
}

/// An answer as read from the network; [`Reply::decode`] lends it to dt-core's `Answer`.
struct Reply {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    body: String,
}

impl Reply {
    /// The model this call expects, or the error the answer means; JSON is parsed by the browser.
    fn decode<T: FromJson>(self) -> Result<T, ApiError> {
        let answer = dt_core::dynatrace::Answer {
            status: self.status,
            content_type: self.content_type.as_deref(),
            retry_after: self.retry_after.as_deref(),
            body: &self.body,
        };
        decode_response_with(crate::json::parse, answer, Utc::now())
    }
}

/// Status, headers that matter, and the body as text: every answer is read whole and decoded
/// in one place, so an HTML error page is as much an answer as JSON is.
async fn read(request: Request, on_answer: Option<&dyn Fn(u16)>) -> Result<Read, String> {
    let response: Response = request.send().await.map_err(|e| e.to_string())?;
    if let Some(hook) = on_answer {
        hook(response.status());
    }
    // With `redirect: "manual"` any 3xx with a Location comes back as this, status 0.
    if response.type_() == web_sys::ResponseType::Opaqueredirect {
        return Ok(Read::Redirected);
    }
    let headers = response.headers();
    Ok(Read::Answer(Reply {
        status: response.status(),
        content_type: headers.get("content-type"),
        retry_after: headers.get("retry-after"),
        body: response.text().await.map_err(|e| e.to_string())?,
    }))
}

/// Whether the environment is on another origin than this page: a failed fetch to another
/// origin is most often the browser blocking it (CORS), to our own origin it is a dead server.
pub fn environment_is_cross_origin(environment: &EnvironmentUrl) -> bool {
    let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) else {
        return true;
    };
    let base = environment.api_base();
    !(base.starts_with('/') || base.starts_with(&format!("{origin}/")))
}

#[cfg(test)]
mod tests {
    use super::unsendable;

    #[test]
    fn a_credential_a_header_cant_carry_is_found_by_position_without_quoting_it() {
        let token = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
        assert_eq!(unsendable(token), None);
        assert_eq!(
            unsendable(&format!("  {token}\n")),
            None,
            "surrounding whitespace is trimmed"
        );
        let ellipsis = format!("{}\u{2026}", &token[..40]);
        assert_eq!(
            unsendable(&ellipsis),
            Some((41, "a character outside plain ASCII (U+2026)".into()))
        );
        assert_eq!(
            unsendable(&format!(" {}\u{2026}", &token[..40])).map(|p| p.0),
            Some(42)
        );
        assert_eq!(unsendable("Api-Token dt0c01.X").map(|p| p.0), Some(10));
        assert_eq!(
            unsendable("dt0c01.A\u{7}B"),
            Some((9, "a control character (U+0007)".into()))
        );
        assert_eq!(unsendable("dt0c01.A\u{a0}B").map(|p| p.0), Some(9));
        assert_eq!(
            unsendable("dt0c01.\u{1F600}"),
            Some((8, "a character outside plain ASCII (U+1F600)".into()))
        );
        let (_, what) = unsendable(&ellipsis).unwrap();
        assert!(!what.contains("G3DF"), "{what}");
    }
}
