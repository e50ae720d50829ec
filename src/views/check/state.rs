//! What the checker shows, and every way it can change. The view dispatches [`Action`]s; only
//! [`State::reduce`] changes state. Side effects (the network call) live in the component that
//! dispatches, and report back with an action tagged by the request it answers, so a late
//! answer for an older input is dropped here, in one place.

use std::rc::Rc;

use dt_core::dynatrace::{EnvironmentUrl, EnvironmentUrlError};
use dt_core::token::{parse, ParseError, ParsedToken};
use yew::Reducible;

use crate::client::{CheckError, Metadata};
pub use crate::state::{Remote, RequestId};

/// `Debug` is written by hand below: the input and the access token may hold secrets.
#[derive(Clone, PartialEq, Default)]
pub struct State {
    /// The environment URL as typed (memory only; emptied when it reads as a token), and what
    /// it means. The page stores it only once it is valid and used (see `app.rs`).
    pub environment_input: String,
    pub environment: Option<Result<EnvironmentUrl, EnvironmentUrlError>>,
    /// An environment a link asks for, waiting for the person to accept or refuse it. Nothing
    /// is sent while it waits.
    pub proposed: Option<EnvironmentUrl>,
    /// A second token used to authenticate calls. Memory only: never stored, never in the URL.
    pub access_token: String,
    /// What is in the "Token to check" field, and its local parse.
    pub input: String,
    pub parsed: Option<Result<ParsedToken, ParseError>>,
    /// The look-up for the current input; `pending` is the request whose answer is awaited.
    pub lookup: Remote<Metadata, CheckError>,
    pub pending: Option<RequestId>,
    next_request: RequestId,
}

// An action is moved once into the reducer and dropped, so the size of the answer it may carry
// costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum Action {
    EnvironmentEdited(String),
    AccessTokenEdited(String),
    InputEdited(String),
    /// The person asked to check; the component sends request `id` right after.
    CheckStarted(RequestId),
    CheckFinished(RequestId, Result<Metadata, CheckError>),
    /// Forget the input and its result (e.g. the "Clear" button).
    Cleared,
    /// A `#env=` link asks for this environment: it waits for the person's answer.
    EnvironmentProposed(String),
    /// The person's answer to the link: `true` uses the proposed environment.
    ProposalAnswered(bool),
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("environment", &self.environment)
            .field("access_token", &dt_core::token::MASK)
            .field("input", &self.token().map(|t| t.masked()))
            .field("lookup", &self.lookup)
            .field("pending", &self.pending)
            .finish()
    }
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The field may hold a token pasted by mistake: never print it.
            Action::EnvironmentEdited(_) => f.write_str("EnvironmentEdited(..)"),
            Action::AccessTokenEdited(_) => {
                write!(f, "AccessTokenEdited({})", dt_core::token::MASK)
            }
            Action::InputEdited(_) => write!(f, "InputEdited({})", dt_core::token::MASK),
            Action::CheckStarted(id) => write!(f, "CheckStarted({id})"),
            Action::CheckFinished(id, result) => write!(f, "CheckFinished({id}, {result:?})"),
            Action::Cleared => f.write_str("Cleared"),
            Action::EnvironmentProposed(_) => f.write_str("EnvironmentProposed(..)"),
            Action::ProposalAnswered(yes) => write!(f, "ProposalAnswered({yes})"),
        }
    }
}

impl State {
    pub fn new(environment_input: String) -> Self {
        let mut state = State::default();
        state.set_environment(environment_input);
        state
    }

    /// The id the next look-up will carry; pair with `Action::CheckStarted`.
    pub fn next_request_id(&self) -> RequestId {
        self.next_request + 1
    }

    pub fn environment(&self) -> Option<&EnvironmentUrl> {
        self.environment.as_ref().and_then(|e| e.as_ref().ok())
    }

    pub fn token(&self) -> Option<&ParsedToken> {
        self.parsed.as_ref().and_then(|p| p.as_ref().ok())
    }

    /// Why "Check" can't run now, or `None` when it can.
    pub fn blocker(&self) -> Option<&'static str> {
        if self.proposed.is_some() {
            return Some("A link asks to change the environment: accept or refuse it above first.");
        }
        match &self.parsed {
            None => return Some("Paste a token or a token ID first."),
            Some(Err(_)) => return Some("Fix the token first: see what is wrong below."),
            Some(Ok(_)) => {}
        }
        match &self.environment {
            None => Some("Enter your Dynatrace environment URL first."),
            Some(Err(_)) => Some("Fix the environment URL first."),
            Some(Ok(_)) => None,
        }
    }

    fn set_environment(&mut self, input: String) {
        // An empty URL is valid: it means this page's own server (the demo, or a reverse proxy).
        let (kept, parsed) = crate::components::settings::environment_edited(input);
        self.environment_input = kept;
        self.environment = Some(parsed);
    }

    fn forget_lookup(&mut self) {
        self.lookup = Remote::Idle;
        self.pending = None;
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::EnvironmentEdited(input) => {
                if input != next.environment_input {
                    next.set_environment(input);
                    next.forget_lookup();
                }
            }
            Action::AccessTokenEdited(token) => next.access_token = token,
            Action::InputEdited(input) => {
                if input == next.input {
                    return self;
                }
                let parsed = if input.trim().is_empty() {
                    None
                } else {
                    Some(parse(&input))
                };
                // A new question: whatever was shown or awaited belongs to the old one.
                next.forget_lookup();
                next.parsed = parsed;
                next.input = input;
            }
            Action::CheckStarted(id) => {
                next.next_request = next.next_request.max(id);
                next.pending = Some(id);
                next.lookup = Remote::Loading;
            }
            Action::CheckFinished(id, result) => {
                if next.pending != Some(id) {
                    return self; // an answer nobody waits for any more
                }
                next.pending = None;
                next.lookup = match result {
                    Ok(metadata) => Remote::Loaded(metadata),
                    Err(error) => Remote::Failed(error),
                };
            }
            Action::Cleared => {
                next.input.clear();
                next.parsed = None;
                next.forget_lookup();
            }
            Action::EnvironmentProposed(input) => {
                // Only a valid environment that differs from the current one needs an answer;
                // anything else in a link is ignored.
                let current = next.environment().map(EnvironmentUrl::api_base);
                next.proposed = EnvironmentUrl::parse(&input)
                    .ok()
                    .filter(|env| Some(env.api_base()) != current);
            }
            Action::ProposalAnswered(accepted) => {
                if let Some(env) = next.proposed.take() {
                    if accepted {
                        next.set_environment(crate::page::stored_form(&env));
                        next.forget_lookup();
                    }
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dt_core::dynatrace::{ApiError, ApiToken};

    const EXAMPLE: &str =
        "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

    fn run(state: State, actions: impl IntoIterator<Item = Action>) -> State {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        Rc::try_unwrap(state).unwrap_or_else(|rc| (*rc).clone())
    }

    fn named(name: &str) -> Metadata {
        Metadata::Api(ApiToken {
            name: Some(name.into()),
            ..ApiToken::default()
        })
    }

    #[test]
    fn typing_parses_locally_and_check_becomes_possible() {
        let state = run(
            State::new("https://abc12345.live.dynatrace.com".into()),
            [Action::InputEdited(EXAMPLE.into())],
        );
        assert_eq!(
            state.token().map(|t| t.id()),
            Some("dt0c01.ST2EY72KQINMH574WMNVI7YN")
        );
        assert_eq!(state.blocker(), None);
    }

    #[test]
    fn check_needs_a_token_and_a_valid_environment() {
        let empty = State::new(String::new());
        assert_eq!(empty.blocker(), Some("Paste a token or a token ID first."));
        let bad_env = run(
            State::new("ftp://nope".into()),
            [Action::InputEdited(EXAMPLE.into())],
        );
        assert_eq!(bad_env.blocker(), Some("Fix the environment URL first."));
        let bad_token = run(
            State::new(String::new()),
            [Action::InputEdited("dt0c01.TOO.SHORT".into())],
        );
        assert_eq!(
            bad_token.blocker(),
            Some("Fix the token first: see what is wrong below.")
        );
    }

    #[test]
    fn an_answer_is_shown_for_the_request_it_answers() {
        let state = State::new(String::new());
        let id = state.next_request_id();
        let state = run(
            state,
            [
                Action::InputEdited(EXAMPLE.into()),
                Action::CheckStarted(id),
                Action::CheckFinished(id, Ok(named("myToken"))),
            ],
        );
        assert_eq!(state.lookup, Remote::Loaded(named("myToken")));
        assert_eq!(state.pending, None);
    }

    #[test]
    fn a_late_answer_for_an_older_request_is_dropped() {
        let state = run(
            State::new(String::new()),
            [
                Action::InputEdited(EXAMPLE.into()),
                Action::CheckStarted(1),
                Action::CheckStarted(2),
            ],
        );
        let state = run(state, [Action::CheckFinished(1, Ok(named("old")))]);
        assert_eq!(
            state.lookup,
            Remote::Loading,
            "the answer to request 1 must not show"
        );
        let state = run(state, [Action::CheckFinished(2, Ok(named("new")))]);
        assert_eq!(state.lookup, Remote::Loaded(named("new")));
    }

    #[test]
    fn a_new_input_forgets_the_old_answer_and_ignores_its_late_reply() {
        let state = run(
            State::new(String::new()),
            [Action::InputEdited(EXAMPLE.into()), Action::CheckStarted(1)],
        );
        let state = run(
            state,
            [
                Action::InputEdited("dt0g02.4KWZO5EF".into()),
                Action::CheckFinished(1, Ok(named("old"))),
            ],
        );
        assert_eq!(state.lookup, Remote::Idle);
        assert_eq!(state.token().map(|t| t.id()), Some("dt0g02.4KWZO5EF"));
    }

    #[test]
    fn request_ids_keep_growing() {
        let state = run(
            State::new(String::new()),
            [
                Action::CheckStarted(1),
                Action::CheckFinished(1, Err(CheckError::Api(ApiError::NotFound))),
            ],
        );
        assert_eq!(state.next_request_id(), 2);
        assert!(matches!(
            state.lookup,
            Remote::Failed(CheckError::Api(ApiError::NotFound))
        ));
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let state = run(
            State::new(String::new()),
            [
                Action::InputEdited(EXAMPLE.into()),
                Action::AccessTokenEdited(EXAMPLE.into()),
            ],
        );
        let secret = &EXAMPLE[32..];
        assert!(!format!("{state:?}").contains(secret));
        assert!(!format!("{:?}", Action::InputEdited(EXAMPLE.into())).contains(secret));
        assert!(!format!("{:?}", Action::AccessTokenEdited(EXAMPLE.into())).contains(secret));
    }

    #[test]
    fn clearing_forgets_the_token() {
        let state = run(
            State::new(String::new()),
            [Action::InputEdited(EXAMPLE.into()), Action::Cleared],
        );
        assert!(state.input.is_empty());
        assert!(state.parsed.is_none());
    }

    #[test]
    fn a_token_typed_as_the_environment_is_refused_and_not_kept() {
        let state = run(
            State::new(String::new()),
            [Action::EnvironmentEdited(EXAMPLE.into())],
        );
        assert_eq!(
            state.environment,
            Some(Err(EnvironmentUrlError::LooksLikeToken))
        );
        assert_eq!(state.environment_input, "", "the field is emptied");
        assert!(!format!("{state:?}").contains(&EXAMPLE[32..]));
        assert!(
            !format!("{:?}", Action::EnvironmentEdited(EXAMPLE.into())).contains(&EXAMPLE[32..])
        );
        let state = run(state, [Action::InputEdited(EXAMPLE.into())]);
        assert_eq!(state.blocker(), Some("Fix the environment URL first."));
    }

    #[test]
    fn a_link_environment_waits_for_an_answer_and_blocks_checks() {
        let start = run(
            State::new(String::new()),
            [Action::InputEdited(EXAMPLE.into())],
        );
        let asked = run(
            start.clone(),
            [Action::EnvironmentProposed(
                "abc12345.live.dynatrace.com".into(),
            )],
        );
        assert_eq!(
            asked
                .proposed
                .as_ref()
                .map(EnvironmentUrl::api_base)
                .as_deref(),
            Some("https://abc12345.live.dynatrace.com/api")
        );
        assert_eq!(
            asked.environment().map(EnvironmentUrl::api_base).as_deref(),
            Some("/api"),
            "unchanged until accepted"
        );
        assert!(asked.blocker().is_some_and(|b| b.contains("link")));
        let refused = run(asked.clone(), [Action::ProposalAnswered(false)]);
        assert_eq!(
            (
                refused.proposed.clone(),
                refused.environment().map(EnvironmentUrl::api_base)
            ),
            (None, Some("/api".into()))
        );
        let accepted = run(asked, [Action::ProposalAnswered(true)]);
        assert_eq!(
            accepted
                .environment()
                .map(EnvironmentUrl::api_base)
                .as_deref(),
            Some("https://abc12345.live.dynatrace.com/api")
        );
        assert_eq!(
            accepted.environment_input,
            "https://abc12345.live.dynatrace.com"
        );
        assert_eq!(accepted.blocker(), None);
        // The same environment, or an invalid one, asks nothing.
        assert_eq!(
            run(start.clone(), [Action::EnvironmentProposed("/".into())]).proposed,
            None
        );
        assert_eq!(
            run(start, [Action::EnvironmentProposed(EXAMPLE.into())]).proposed,
            None
        );
    }

    #[test]
    fn changing_the_environment_drops_the_result() {
        let state = run(
            State::new(String::new()),
            [
                Action::InputEdited(EXAMPLE.into()),
                Action::CheckStarted(1),
                Action::CheckFinished(1, Ok(named("x"))),
            ],
        );
        let state = run(
            state,
            [Action::EnvironmentEdited(
                "https://abc12345.live.dynatrace.com".into(),
            )],
        );
        assert_eq!(state.lookup, Remote::Idle);
    }
}
