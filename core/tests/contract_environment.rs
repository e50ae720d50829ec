//! Environment URLs in every form the docs show and people paste, and every rejection.

use dt_core::dynatrace::environment::{
    EnvironmentKind as Kind, EnvironmentUrl, EnvironmentUrlError as E, HostProblem,
};
use proptest::prelude::*;

fn ok(input: &str) -> EnvironmentUrl {
    EnvironmentUrl::parse(input).unwrap_or_else(|e| panic!("{input:?} was refused: {e}"))
}

fn err(input: &str) -> E {
    match EnvironmentUrl::parse(input) {
        Ok(env) => panic!("{input:?} was accepted as {}", env.api_base()),
        Err(e) => e,
    }
}

#[test]
fn saas_as_pasted() {
    for input in [
        "abc12345.live.dynatrace.com",
        "abc12345.live.dynatrace.com/",
        "https://abc12345.live.dynatrace.com",
        "https://abc12345.live.dynatrace.com/",
        "Https://ABC12345.Live.Dynatrace.COM",
        "https://abc12345.live.dynatrace.com:443/",
        "https://abc12345.live.dynatrace.com./",
        "\thttps://abc12345.live.dynatrace.com\n",
    ] {
        let env = ok(input);
        assert_eq!(
            env.api_base(),
            "https://abc12345.live.dynatrace.com/api",
            "{input}"
        );
        assert_eq!(env.address(), "https://abc12345.live.dynatrace.com");
        assert_eq!(
            (env.kind(), env.environment_id()),
            (Kind::Saas, Some("abc12345")),
            "{input}"
        );
        assert!(env.notes().is_empty(), "{input}: {:?}", env.notes());
        assert!(!env.is_local());
    }
    let other_port = ok("https://abc12345.live.dynatrace.com:8443");
    assert_eq!(
        other_port.api_base(),
        "https://abc12345.live.dynatrace.com:8443/api"
    );
}

#[test]
fn a_pasted_api_path_is_removed_and_said() {
    let env = ok("https://abc12345.live.dynatrace.com/api/v2/apiTokens");
    assert_eq!(env.api_base(), "https://abc12345.live.dynatrace.com/api");
    assert_eq!(env.notes(), ["Removed the pasted API path."]);
    let v1 = ok("abc12345.live.dynatrace.com/api/v1/tokens/lookup/");
    assert_eq!(v1.notes(), ["Removed the pasted API path."]);
    // Dynatrace's own doc example has a double slash.
    assert_eq!(
        ok("https://mySampleEnv.live.dynatrace.com//api/v2/apiTokens").environment_id(),
        Some("mysampleenv")
    );
    // The same example ends in a token ID: anything that reads as a token is refused, even in
    // a path that would be dropped (a full token there was once kept and quoted in a note).
    assert_eq!(
        err("https://mySampleEnv.live.dynatrace.com//api/v2/activeGateTokens/dt0g02.abc123"),
        E::LooksLikeToken
    );
    assert_eq!(
        ok("https://abc12345.live.dynatrace.com/api").notes(),
        ["Removed the pasted API path."]
    );
}

#[test]
fn a_bare_environment_id_means_saas() {
    let env = ok("abc12345");
    assert_eq!(env.api_base(), "https://abc12345.live.dynatrace.com/api");
    assert_eq!(
        env.notes(),
        ["Read abc12345 as the SaaS environment abc12345.live.dynatrace.com."]
    );
}

#[test]
fn the_platform_ui_maps_to_the_classic_api() {
    for input in [
        "https://abc12345.apps.dynatrace.com",
        "abc12345.apps.dynatrace.com/",
        "https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.classic.tokens/ui/access-tokens",
        "https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.dashboards/dashboard/1?from=now-2h#x",
    ] {
        let env = ok(input);
        assert_eq!(env.api_base(), "https://abc12345.live.dynatrace.com/api", "{input}");
        assert_eq!(env.kind(), Kind::Saas);
        assert_eq!(env.notes()[0], "abc12345.apps.dynatrace.com is the Dynatrace platform UI; the token API lives on abc12345.live.dynatrace.com.");
    }
    assert_eq!(
        ok("https://abc12345.apps.dynatrace.com/ui/apps/x")
            .notes()
            .len(),
        2
    );
    assert_eq!(ok("https://abc12345.apps.dynatrace.com").notes().len(), 1);
}

#[test]
fn dynatrace_labs_stages() {
    let sprint = ok("https://xyz98765.sprint.apps.dynatracelabs.com/ui/apps/foo");
    assert_eq!(
        sprint.api_base(),
        "https://xyz98765.sprint.dynatracelabs.com/api"
    );
    assert_eq!(
        (sprint.kind(), sprint.environment_id()),
        (Kind::DynatraceLabs, Some("xyz98765"))
    );
    assert!(sprint.notes()[0].contains("platform UI"));
    let dev = ok("xyz98765.dev.dynatracelabs.com");
    assert_eq!(dev.api_base(), "https://xyz98765.dev.dynatracelabs.com/api");
    assert_eq!(dev.kind(), Kind::DynatraceLabs);
    assert_eq!(
        dev.access_tokens_page().as_deref(),
        Some("https://xyz98765.dev.apps.dynatracelabs.com/ui/apps/dynatrace.classic.tokens/ui/access-tokens")
    );
}

#[test]
fn managed_and_environment_activegate() {
    let managed =
        ok("https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/api/v2/apiTokens/lookup");
    assert_eq!(
        managed.api_base(),
        "https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/api"
    );
    assert_eq!(managed.kind(), Kind::Managed);
    assert_eq!(
        managed.environment_id(),
        Some("1a2b3c4d-0000-4e80-afcf-09971954c3ea")
    );
    assert_eq!(
        managed.address(),
        "https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea"
    );
    assert_eq!(
        managed.access_tokens_page().as_deref(),
        Some("https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/#settings/integration/apikeys")
    );

    let ag = ok("https://AG.example.com:9999/e/abc12345/");
    assert_eq!(ag.api_base(), "https://ag.example.com:9999/e/abc12345/api");
    assert_eq!(
        (ag.kind(), ag.environment_id()),
        (Kind::EnvironmentActiveGate, Some("abc12345"))
    );
    assert_eq!(ag.access_tokens_page(), None, "an ActiveGate serves no UI");

    assert_eq!(
        err("https://dt.example.com/e/"),
        E::NotAnEnvironment { position: 23 }
    );
    assert_eq!(
        err("https://dt.example.com/e/abc/ui/dashboards"),
        E::NotAnEnvironment { position: 23 }
    );
}

#[test]
fn local_sandbox_and_same_origin() {
    for (input, base) in [
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/api"),
        ("127.0.0.1:8081", "http://127.0.0.1:8081/api"),
        ("localhost:8081/", "http://localhost:8081/api"),
        (
            "http://LOCALHOST:8081/api/v2/apiTokens",
            "http://localhost:8081/api",
        ),
        ("http://[::1]:8081", "http://[::1]:8081/api"),
        ("https://localhost:8443", "https://localhost:8443/api"),
        ("http://localhost:80", "http://localhost/api"),
    ] {
        let env = ok(input);
        assert_eq!(env.api_base(), base, "{input}");
        assert_eq!(env.kind(), Kind::Local, "{input}");
        assert!(env.is_local());
        assert_eq!(env.access_tokens_page(), None);
    }
    for input in ["", "  ", "/"] {
        let env = ok(input);
        assert_eq!(
            (env.kind(), env.api_base(), env.address()),
            (Kind::SameOrigin, "/api".to_owned(), "/")
        );
        assert!(env.is_local());
        assert_eq!(env.to_string(), "this page's own server");
    }
    let pasted = ok("/api/v2/apiTokens/lookup");
    assert_eq!(
        (pasted.kind(), pasted.api_base()),
        (Kind::SameOrigin, "/api".to_owned())
    );
    assert_eq!(pasted.notes().len(), 1);
    assert_eq!(err("/settings"), E::NotAnEnvironment { position: 1 });
    assert_eq!(ok("http://localhost:8081/e/abc12345").kind(), Kind::Local);
}

#[test]
fn other_https_hosts_are_allowed_as_proxies() {
    let env = ok("https://dynatrace-proxy.corp.example");
    assert_eq!(
        (env.kind(), env.api_base()),
        (
            Kind::Other,
            "https://dynatrace-proxy.corp.example/api".to_owned()
        )
    );
    assert_eq!(env.access_tokens_page(), None);
}

#[test]
fn rejections_name_the_problem_and_where() {
    assert_eq!(err("http://abc12345.live.dynatrace.com"), E::InsecureHttp);
    assert_eq!(err("http://dt.example.com:8080/e/x"), E::InsecureHttp);
    // Looks like loopback, is not.
    assert_eq!(err("http://127.evil.example.com"), E::InsecureHttp);
    assert_eq!(err("http://[::2]:80"), E::InsecureHttp);
    assert_eq!(
        err("https://user:pw@abc12345.live.dynatrace.com"),
        E::Credentials
    );
    assert_eq!(err("user@abc12345.live.dynatrace.com"), E::Credentials);
    assert_eq!(
        err("https://abc12345.live.dynatrace.com?x=1"),
        E::QueryOrFragment { position: 36 }
    );
    assert_eq!(
        err("https://abc12345.live.dynatrace.com/#dashboards"),
        E::QueryOrFragment { position: 37 }
    );
    assert_eq!(
        err("https://abc12345.live.dynatrace.com/ui/dashboards"),
        E::NotAnEnvironment { position: 36 }
    );
    assert_eq!(
        err("https://abc12345.live.dynatrace.com/e/abc"),
        E::NotAnEnvironment { position: 36 }
    );
    assert_eq!(err("https://"), E::NoHost);
    assert_eq!(err("https:///api"), E::NoHost);
    assert_eq!(err("https://:443"), E::NoHost);
    assert_eq!(err("https://host:99999"), E::BadPort { position: 13 });
    assert_eq!(err("https://host:0"), E::BadPort { position: 13 });
    assert_eq!(err("https://host:+80"), E::BadPort { position: 13 });
    assert_eq!(err("host:"), E::BadPort { position: 5 });
    assert_eq!(err("https://exa mple.com"), E::Whitespace { position: 12 });
    assert_eq!(
        err("\thttps://exa\u{a0}mple.com"),
        E::Whitespace { position: 13 }
    );
    let bad_host = |input: &str| match err(input) {
        E::BadHost { position, problem } => (position, problem),
        other => panic!("{input}: {other:?}"),
    };
    assert_eq!(
        bad_host("https://bad_host!.com"),
        (17, HostProblem::Character)
    );
    assert_eq!(bad_host("https://-x.example.com"), (9, HostProblem::Hyphen));
    assert_eq!(bad_host("https://[::1"), (9, HostProblem::Ipv6));
    assert_eq!(bad_host("https://exämple.com"), (11, HostProblem::NonAscii));
    // A full-width dot (a common slip from some keyboards) is not a dot.
    assert_eq!(
        bad_host("https://abc12345\u{ff0e}live.dynatrace.com"),
        (17, HostProblem::NonAscii)
    );
    for (input, known) in [
        ("ftp://host", Some("ftp")),
        ("file:///etc/passwd", Some("file")),
        ("javascript:alert(1)", Some("javascript")),
        ("mailto:a@b.com", Some("mailto")),
        ("WS://host", Some("ws")),
        ("gopher://host", None),
        ("chrome-extension://x", None),
    ] {
        assert_eq!(err(input), E::Scheme { known }, "{input}");
    }
    assert!(matches!(
        err("https:/abc12345.live.dynatrace.com"),
        E::BadHost {
            position: 7,
            problem: HostProblem::SchemeSlashes
        }
    ));
}

/// Each token shape the parser knows, whole or damaged, pasted as is or inside a URL: refused
/// with one message, before any other rule reads it (so none quotes it, and the page stores
/// and sends nothing).
#[test]
fn tokens_pasted_into_the_environment_field_are_refused() {
    const SECRET: &str = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    let example = format!("dt0c01.ST2EY72KQINMH574WMNVI7YN.{SECRET}");
    let inputs = [
        example.clone(),
        format!("Authorization: Api-Token {example}"),
        format!("DT_API_TOKEN={example}"),
        "dt0c01.ST2EY72KQINMH574WMNVI7YN".to_owned(),
        format!("dt0g02.4KWZO5EF.{SECRET}"),
        "dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".to_owned(),
        // EdgeConnect and legacy shapes pass as host names: they were looked up in DNS.
        "dt0e01.abcdefghijklmno.abcdefghijklmnopqrstuvwxyz234567abcdefgh".to_owned(),
        "https://dt0e01.abcdefghijklmno.abcdefghijklmnopqrstuvwxyz234567abcdefgh".to_owned(),
        // A legacy token as the host.
        "https://4rZQJv2xS4GDrT6EO0o8P".to_owned(),
        "abcdefjhij1234567890x".to_owned(),
        "https://abcdefjhij1234567890x".to_owned(),
        "6a1b2c3d-0000-4e80-afcf-09971954c3ea".to_owned(),
        SECRET.to_owned(),
        SECRET.to_ascii_lowercase(),
        // Damaged: wrong separators, truncated, extra characters, inside a URL path.
        format!("dt0c01.ST2EY72KQINMH574WMNVI7YN-{SECRET}"),
        format!("dt0c01 ST2EY72KQINMH574WMNVI7YN {SECRET}"),
        format!("dt0c01\u{ff0e}ST2EY72KQINMH574WMNVI7YN\u{ff0e}{SECRET}"),
        example[..60].to_owned(),
        format!("{example}XYZ"),
        format!("{example}{example}"),
        format!("https://abc12345.live.dynatrace.com/api/v2/apiTokens/{example}"),
        format!("https://abc12345.live.dynatrace.com/?token={SECRET}"),
    ];
    for input in inputs {
        let refused = EnvironmentUrl::parse(&input);
        assert_eq!(refused, Err(E::LooksLikeToken), "{input}");
        let text = E::LooksLikeToken.to_string();
        assert!(
            text.contains("this looks like a token, not an environment URL; nothing was stored")
                || text.contains(
                    "This looks like a token, not an environment URL; nothing was stored"
                ),
            "{text}"
        );
    }
}

/// No message quotes what was typed: every rejection of inputs full of a secret-like run
/// keeps less than 8 of its characters in a row.
#[test]
fn no_rejection_quotes_the_input() {
    let run = "QZXWVKJHGFDSAPLMNBQZXWVKJH"; // letters only, so not refused as a token
    let inputs = [
        format!("https://{run}!.com"),
        format!("https://{run}.example.com/ui/{run}"),
        format!("http://{run}.example.com"),
        format!("{run}://x"),
        format!("https://x.example.com:{run}"),
        format!("https://{run}.example.com?{run}"),
        format!("/{run}"),
        format!("https://[{run}"),
        format!("https://{run} {run}"),
        format!("https:{run}"),
        format!("https://{run}\u{2026}.com"),
    ];
    for input in inputs {
        let message = err(&input).to_string();
        for start in 0..=run.len() - 8 {
            let piece = &run[start..start + 8];
            assert!(
                !message.to_ascii_uppercase().contains(piece),
                "{input} -> {message}"
            );
        }
    }
}

#[test]
fn every_rejection_is_a_sentence_that_says_what_to_do() {
    let errors = [
        E::LooksLikeToken,
        E::Whitespace { position: 3 },
        E::Scheme { known: Some("ftp") },
        E::Scheme { known: None },
        E::InsecureHttp,
        E::Credentials,
        E::QueryOrFragment { position: 3 },
        E::NoHost,
        E::BadHost {
            position: 3,
            problem: HostProblem::Character,
        },
        E::BadPort { position: 3 },
        E::NotAnEnvironment { position: 3 },
    ];
    for e in errors {
        let text = e.to_string();
        assert!(
            text.len() > 20 && text.starts_with(char::is_uppercase),
            "{text}"
        );
    }
    assert!(E::InsecureHttp.to_string().contains("https://"));
}

#[test]
fn dashboard_links_only_for_safe_ids_and_real_uis() {
    let saas = ok("abc12345.live.dynatrace.com");
    assert_eq!(
        saas.dashboard_url("82402bab-7370-4359-924d-88ed13c8919a").as_deref(),
        Some("https://abc12345.live.dynatrace.com/#dashboard;id=82402bab-7370-4359-924d-88ed13c8919a")
    );
    assert_eq!(saas.dashboard_url("x\"><script>"), None);
    assert_eq!(saas.dashboard_url(""), None);
    assert_eq!(ok("http://localhost:8081").dashboard_url("abc"), None);
}

proptest! {
    #[test]
    fn parsing_never_panics(input in "\\PC{0,120}") {
        let _ = EnvironmentUrl::parse(&input);
    }

    #[test]
    fn parsing_url_like_text_never_panics(input in "(https?://|[a-z]{2,6}:)?[a-zA-Z0-9.:@\\[\\]_-]{0,30}(/[a-zA-Z0-9.:@?#%_-]{0,12}){0,4}") {
        if let Ok(env) = EnvironmentUrl::parse(&input) {
            let base = env.api_base();
            // Never a plain-http call to another machine, never credentials, query or fragment.
            prop_assert!(base.starts_with("https://") || base.starts_with('/') || env.is_local(), "{} -> {}", input, base);
            prop_assert!(base.ends_with("/api"));
            prop_assert!(!base.contains(['@', '?', '#']), "{} -> {}", input, base);
            // Normalising is stable: the result parses to itself.
            let again = EnvironmentUrl::parse(env.address()).map(|e| e.api_base());
            prop_assert_eq!(again, Ok(base));
        }
    }
}
