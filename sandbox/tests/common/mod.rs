//! Shared by the integration tests: the sandbox in-process on an ephemeral port, and Dynatrace's
//! published OpenAPI schemas to hold every body to.
#![allow(dead_code)]

use std::net::SocketAddr;

use dt_sandbox::{app, Config, Sandbox};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

pub const EXAMPLE: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
pub const EXAMPLE_ID: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN";

pub struct Server {
    pub base: String,
    pub admin: String,
    pub client: Client,
}

pub async fn start(config: Config) -> Server {
    let sandbox = Sandbox::new(config);
    let admin = sandbox.admin_token();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(sandbox).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server {
        base: format!("http://{addr}"),
        admin,
        client: Client::new(),
    }
}

impl Server {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Api-Token {t}"));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.text().await.unwrap())
    }
    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, String) {
        let (s, _, b) = self.call(Method::GET, path, token, None).await;
        (s, b)
    }
    /// A 200 answer as JSON.
    pub async fn json(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.get(path, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }
    /// A call to the control API as its callers make it: the admin token, from this machine.
    pub async fn control(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        self.call(method, path, Some(&self.admin), body).await
    }
    /// The demo tokens, from the control API.
    pub async fn demo_tokens(&self) -> Vec<Value> {
        let (status, _, body) = self.control(Method::GET, "/_sandbox/tokens", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(&body).unwrap()
    }
    /// A demo token's full string, by name, from the control API.
    pub async fn token(&self, name: &str) -> String {
        let tokens = self.demo_tokens().await;
        let found = tokens
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no demo token {name}"));
        found["token"].as_str().unwrap().to_owned()
    }
    /// A CORS preflight from a page at `http://page.example`, as a browser sends it before
    /// `requested` (or a bare cross-origin OPTIONS without one).
    pub async fn preflight(&self, path: &str, requested: Option<&str>) -> reqwest::Response {
        let mut req = self
            .client
            .request(Method::OPTIONS, format!("{}{path}", self.base))
            .header("Origin", "http://page.example");
        if let Some(method) = requested {
            req = req.header("Access-Control-Request-Method", method);
        }
        req.send().await.unwrap()
    }
    pub async fn lookup(&self, auth: &str, token: &str) -> (StatusCode, String) {
        let (s, _, b) = self
            .call(
                Method::POST,
                "/api/v2/apiTokens/lookup",
                Some(auth),
                Some(json!({ "token": token })),
            )
            .await;
        (s, b)
    }
}

/// Dynatrace's own schemas: the copies in `core/data/openapi/` (see its README).
pub struct Schemas {
    pub v2: Value,
    pub v1: Value,
}

pub fn schemas() -> Schemas {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/data/openapi");
    let load = |name: &str| -> Value {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the OpenAPI spec {} is needed for these tests: {e}",
                path.display()
            )
        });
        serde_json::from_str(&text).unwrap()
    };
    let mut v2 = load("environment-v2-tokens.json");
    // The spec is release 1.254's. Release 1.338 removed `activeGateType` (and `seedToken`) from
    // ActiveGateToken, so a current environment may omit them: no longer required.
    if let Some(required) =
        v2["components"]["schemas"]["ActiveGateToken"]["required"].as_array_mut()
    {
        required.retain(|r| r != "activeGateType");
    }
    let mut v1 = load("environment-v1-tokens.json");
    open_scope_enums(&mut v2);
    open_scope_enums(&mut v1);
    Schemas { v2, v1 }
}

/// The spec lists the scopes of its release as an enum, but Dynatrace adds scopes without a new
/// API version (`attacks.read`, `unifiedAnalysis.read`, ... came after 1.254), and its own
/// documented lookup example says `"scopes": ["string"]`. Scopes are open strings.
fn open_scope_enums(spec: &mut Value) {
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else {
        return;
    };
    for schema in schemas.values_mut() {
        if let Some(items) = schema
            .pointer_mut("/properties/scopes/items")
            .and_then(Value::as_object_mut)
        {
            items.remove("enum");
        }
    }
}

/// Validates against `#/components/schemas/<name>` of `spec`.
pub fn assert_schema(spec: &Value, name: &str, body: &str) {
    let instance: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {body}"));
    let schema =
        json!({ "$ref": format!("#/components/schemas/{name}"), "components": spec["components"] });
    let validator = jsonschema::options()
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {name}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} does not match Dynatrace's schema: {errors:?}\n{body}"
    );
}
