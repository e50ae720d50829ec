//! The request pool against live sandboxes, in headless Chromium (`make test` starts them):
//! bounded concurrency, every result reported once, pause and resume, cancel, and 429s waited
//! out rather than reported.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use dt_core::dynatrace::queries::V1Filter;
use dt_core::dynatrace::retry::Policy;
use dt_core::dynatrace::{ApiError, EnvironmentUrl, TokenMetadata};
use dt_token_checker::client::pool::{Phase, Pool, Progress, Work};
use dt_token_checker::client::{CallError, Client};
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

const ADMIN_SECRET: &str = match option_env!("DT_SANDBOX_ADMIN_SECRET") {
    Some(secret) => secret,
    None => "ADMINBROWSERTESTSECRET222222222222222222222222222222222222222222",
};

fn admin(url: &str) -> Client {
    let env = EnvironmentUrl::parse(url).expect("env");
    let abort = AbortController::new().expect("abort");
    let token = format!("dt0c01.SANDBOXADMIN222222222222.{ADMIN_SECRET}");
    Client::new(&env, &token, "access token", Duration::from_secs(5), &abort).expect("client")
}

fn cors() -> &'static str {
    option_env!("DT_SANDBOX_URL").unwrap_or("http://127.0.0.1:18181")
}

/// A sandbox started with `--rate-limit 2`: a third call within a second gets 429, Retry-After 1.
fn limited() -> &'static str {
    let Some(url) = option_env!("DT_SANDBOX_LIMITED_URL") else {
        panic!("DT_SANDBOX_LIMITED_URL: scripts/test.sh starts a sandbox with --rate-limit 2");
    };
    url
}

fn fault(kind: &str) -> &'static str {
    let Some(urls) = option_env!("DT_SANDBOX_FAULT_URLS") else {
        panic!("DT_SANDBOX_FAULT_URLS: scripts/test.sh starts one sandbox per fault");
    };
    urls.split_whitespace()
        .find_map(|pair| pair.strip_prefix(kind)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no sandbox for fault {kind}"))
}

/// What a pool reported, for the assertions.
#[derive(Default)]
struct Seen {
    results: Vec<(usize, Result<TokenMetadata, CallError>)>,
    progress: Vec<Progress>,
}

/// A pool that fetches the v1 metadata of `ids[key]`.
fn pool(
    client: Client,
    ids: Vec<String>,
    concurrency: usize,
) -> (Pool<TokenMetadata>, Rc<RefCell<Seen>>) {
    let ids = Rc::new(ids);
    let work: Work<TokenMetadata> = Rc::new(move |client: Client, key| {
        let ids = ids.clone();
        Box::pin(async move { client.v1_token(&ids[key]).await })
    });
    let seen = Rc::new(RefCell::new(Seen::default()));
    let (a, b) = (seen.clone(), seen.clone());
    let pool = Pool::new(
        client,
        concurrency,
        work,
        move |key, result| a.borrow_mut().results.push((key, result)),
        move |progress| b.borrow_mut().progress.push(progress),
    );
    (pool, seen)
}

async fn v1_ids(client: &Client) -> Vec<String> {
    let list = client
        .v1_tokens(&V1Filter::default())
        .await
        .expect("v1 list");
    let ids: Vec<String> = list.values.into_iter().filter_map(|v| v.id).collect();
    assert!(ids.len() >= 6, "the sandbox has demo tokens: {}", ids.len());
    ids
}

async fn until(seen: &Rc<RefCell<Seen>>, done: impl Fn(&Seen) -> bool) {
    for _ in 0..200 {
        if done(&seen.borrow()) {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    panic!("the pool did not get there within 10 s");
}

#[wasm_bindgen_test]
async fn every_job_is_answered_once_and_never_more_than_the_limit_run_at_once() {
    let client = admin(cors());
    let ids = v1_ids(&client).await;
    let n = ids.len();
    let (pool, seen) = pool(client, ids.clone(), 3);
    pool.add(0..n);
    until(&seen, |s| s.results.len() == n).await;
    let seen = seen.borrow();
    let mut keys: Vec<usize> = seen.results.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    assert_eq!(keys, (0..n).collect::<Vec<_>>());
    for (key, result) in &seen.results {
        let metadata = result.as_ref().expect("metadata");
        assert_eq!(metadata.id.as_deref(), Some(ids[*key].as_str()));
    }
    assert!(
        seen.progress.iter().all(|p| p.in_flight <= 3),
        "{:?}",
        seen.progress
    );
    assert!(seen.progress.iter().any(|p| p.in_flight == 3));
    let last = seen.progress.last().expect("progress");
    assert_eq!(
        (last.total, last.done, last.failed, last.phase),
        (n, n, 0, Phase::Finished)
    );
    assert_eq!(pool.progress(), *last);
}

#[wasm_bindgen_test]
async fn a_paused_pool_aborts_what_is_in_flight_and_resumes_where_it_stopped() {
    let client = admin(cors());
    let ids = v1_ids(&client).await;
    let n = ids.len();
    let (pool, seen) = pool(client, ids, 2);
    pool.add(0..n);
    pool.pause();
    let paused = pool.progress();
    assert_eq!(
        (paused.phase, paused.in_flight, paused.done),
        (Phase::Paused, 0, 0)
    );
    gloo_timers::future::sleep(Duration::from_millis(300)).await;
    assert!(
        seen.borrow().results.is_empty(),
        "aborted calls are not reported"
    );
    pool.resume();
    until(&seen, |s| s.results.len() == n).await;
    assert!(seen.borrow().results.iter().all(|(_, r)| r.is_ok()));
    assert_eq!(pool.progress().phase, Phase::Finished);
}

#[wasm_bindgen_test]
async fn a_cancelled_pool_reports_nothing_more() {
    let client = admin(cors());
    let ids = v1_ids(&client).await;
    let n = ids.len();
    let (pool, seen) = pool(client, ids, 2);
    pool.add(0..n);
    pool.cancel();
    gloo_timers::future::sleep(Duration::from_millis(300)).await;
    assert!(seen.borrow().results.is_empty());
    let progress = pool.progress();
    assert_eq!(
        (progress.phase, progress.in_flight, progress.retrying),
        (Phase::Cancelled, 0, 0)
    );
    pool.add([0]);
    assert_eq!(
        pool.progress().total,
        n,
        "a cancelled pool takes no more work"
    );
}

/// When each job started and ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Start(usize),
    End(usize),
}

/// Two jobs, one at a time, each of one call and then 300 ms more (as a body still on its way):
/// the order in which they started and ended, and their results.
async fn one_at_a_time(
    client: Client,
    ids: Vec<String>,
    free_on_answer: bool,
    policy: Policy,
) -> (Vec<Step>, Vec<(usize, Result<TokenMetadata, CallError>)>) {
    let ids = Rc::new(ids);
    let log = Rc::new(RefCell::new(Vec::new()));
    let work: Work<TokenMetadata> = {
        let log = log.clone();
        Rc::new(move |client: Client, key| {
            let (ids, log) = (ids.clone(), log.clone());
            Box::pin(async move {
                log.borrow_mut().push(Step::Start(key));
                let result = client.v1_token(&ids[key]).await;
                gloo_timers::future::sleep(Duration::from_millis(300)).await;
                log.borrow_mut().push(Step::End(key));
                result
            })
        })
    };
    let results = Rc::new(RefCell::new(Vec::new()));
    let seen = results.clone();
    let pool = Pool::new(
        client,
        1,
        work,
        move |key, result| seen.borrow_mut().push((key, result)),
        |_| {},
    );
    pool.set_policy(policy);
    if free_on_answer {
        pool.free_on_answer();
    }
    pool.add(0..2);
    for _ in 0..100 {
        if results.borrow().len() == 2 {
            break;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    let log = log.borrow().clone();
    (log, results.take())
}

#[wasm_bindgen_test]
async fn a_job_keeps_its_place_until_it_ends() {
    let client = admin(cors());
    let ids = v1_ids(&client).await;
    let (log, results) = one_at_a_time(client, ids, false, Policy::default()).await;
    use Step::*;
    assert_eq!(log, [Start(0), End(0), Start(1), End(1)]);
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
}

#[wasm_bindgen_test]
async fn with_free_on_answer_the_next_job_starts_once_the_answer_is_in() {
    let client = admin(cors());
    let ids = v1_ids(&client).await;
    let (log, results) = one_at_a_time(client, ids.clone(), true, Policy::default()).await;
    use Step::*;
    assert_eq!(log, [Start(0), Start(1), End(0), End(1)]);
    let mut results = results;
    results.sort_by_key(|(key, _)| *key);
    for (key, result) in &results {
        let metadata = result.as_ref().expect("metadata");
        assert_eq!(metadata.id.as_deref(), Some(ids[*key].as_str()));
    }
}

#[wasm_bindgen_test]
async fn with_free_on_answer_a_429_keeps_its_place() {
    // Every call gets 429 here; tried once, each job fails. Had the 429 freed its place, the
    // second job would have started before the first ended.
    let client = admin(fault("rate-limit"));
    let ids = vec!["dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA".into(); 2];
    let policy = Policy {
        max_attempts: 1,
        ..Policy::default()
    };
    let (log, results) = one_at_a_time(client, ids, true, policy).await;
    use Step::*;
    assert_eq!(log, [Start(0), End(0), Start(1), End(1)]);
    assert!(
        results
            .iter()
            .all(|(_, r)| matches!(r, Err(CallError::Api(ApiError::RateLimited { .. })))),
        "{results:?}"
    );
}

#[wasm_bindgen_test]
async fn rate_limits_are_waited_out_not_reported() {
    rate_limits_are_waited_out(false).await;
}

#[wasm_bindgen_test]
async fn with_free_on_answer_rate_limits_are_waited_out_too() {
    rate_limits_are_waited_out(true).await;
}

async fn rate_limits_are_waited_out(free_on_answer: bool) {
    // Two calls a second, eight jobs four at a time: some get 429 with Retry-After: 1, and the
    // pool holds and tries them again, so every job ends with metadata.
    let client = admin(limited());
    let ids: Vec<String> = loop {
        match client.v1_tokens(&V1Filter::default()).await {
            Ok(list) => {
                break list
                    .values
                    .into_iter()
                    .filter_map(|v| v.id)
                    .take(8)
                    .collect()
            }
            Err(CallError::Api(ApiError::RateLimited { .. })) => {
                gloo_timers::future::sleep(Duration::from_millis(1100)).await
            }
            Err(e) => panic!("{e:?}"),
        }
    };
    let n = ids.len();
    let (pool, seen) = pool(client, ids, 4);
    if free_on_answer {
        pool.free_on_answer();
    }
    pool.set_policy(Policy {
        max_attempts: 10,
        ..Policy::default()
    });
    pool.add(0..n);
    until(&seen, |s| s.results.len() == n).await;
    let seen = seen.borrow();
    assert!(
        seen.results.iter().all(|(_, r)| r.is_ok()),
        "{:?}",
        seen.results
    );
    assert!(
        seen.progress.iter().any(|p| p.retrying > 0),
        "some call was rate limited and retried"
    );
}

#[wasm_bindgen_test]
async fn a_job_that_keeps_failing_is_reported_with_its_last_error() {
    let client = admin(fault("rate-limit-no-retry-after"));
    let (pool, seen) = pool(client, vec!["dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA".into()], 4);
    pool.set_policy(Policy {
        max_attempts: 2,
        ..Policy::default()
    });
    pool.add([0]);
    until(&seen, |s| s.results.len() == 1).await;
    let seen = seen.borrow();
    assert!(
        matches!(
            seen.results[0].1,
            Err(CallError::Api(ApiError::RateLimited { retry_after: None }))
        ),
        "{:?}",
        seen.results
    );
    assert!(
        seen.progress.iter().any(|p| p.retrying == 1),
        "tried again once first"
    );
    assert_eq!(pool.progress().failed, 1);
}
