//! `core/data/` holds copies of Dynatrace's published material so that tests never depend on
//! where the repository sits. When the reference folder it was copied from is at hand
//! (`../shared/dynatrace` beside the repository, as on the team's machines, or wherever
//! `DT_SHARED_DIR` says), the copies must still match it.
//!
//! Without that folder these tests fail, so that a missing reference is never taken for a
//! match, unless `DT_SKIP_SHARED_COPIES=1` says to skip the comparison: then they say so on
//! stderr and check only the copies themselves. `scripts/test.sh` sets it, with a banner, on a
//! machine without the folder (a CI clone).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The reference folder, or `None` when the comparison is explicitly skipped.
fn shared() -> Option<PathBuf> {
    let parent = match std::env::var_os("DT_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let dir = parent.join("dynatrace");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("DT_SKIP_SHARED_COPIES").is_some_and(|v| v == "1") {
        // Straight to stderr, not eprintln!: the test harness would hide that for a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED (DT_SKIP_SHARED_COPIES=1): {} is missing, so core/data/ was NOT compared \
             with Dynatrace's published material",
            dir.display()
        );
        return None;
    }
    panic!(
        "{} is missing, so core/data/ cannot be compared with Dynatrace's published material. \
         Set DT_SHARED_DIR to the folder that holds dynatrace/, or DT_SKIP_SHARED_COPIES=1 to skip \
         the comparison",
        dir.display()
    );
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

#[test]
fn the_openapi_copies_are_the_published_specs() {
    for name in ["environment-v2-tokens.json", "environment-v1-tokens.json"] {
        let copy = std::fs::read(data().join("openapi").join(name)).expect("the copy exists");
        let spec: Value = serde_json::from_slice(&copy).expect("the copy is JSON");
        assert!(spec["components"]["schemas"].is_object(), "{name}");
        if let Some(shared) = shared() {
            let original = std::fs::read(shared.join("openapi").join(name)).unwrap();
            assert!(
                original == copy,
                "core/data/openapi/{name} differs from the published spec"
            );
        }
    }
}

/// Every JSON object on the documentation pages is among `examples/docs-*.json`.
#[test]
fn the_documentation_examples_are_all_copied() {
    let copies: Vec<Value> = std::fs::read_dir(data().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("docs-")
        })
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    assert!(!copies.is_empty(), "core/data/examples has no docs-*.json");
    let Some(shared) = shared() else { return };
    for page in std::fs::read_dir(shared.join("docs")).unwrap() {
        let page = page.unwrap().path();
        let text = std::fs::read_to_string(&page).unwrap();
        let mut at = 0;
        let mut found = 0;
        while let Some(offset) = text.get(at..).and_then(|rest| rest.find('{')) {
            let start = at + offset;
            let mut stream =
                serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(object)) => {
                    at = start + stream.byte_offset();
                    found += 1;
                    assert!(
                        copies.contains(&object),
                        "{}: {object} is not in core/data/examples",
                        page.display()
                    );
                }
                _ => at = start + 1,
            }
        }
        assert!(found > 0, "{}: no JSON found", page.display());
    }
}
