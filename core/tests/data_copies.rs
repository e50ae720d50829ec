//! `core/data/` holds copies of Dynatrace's published material so that tests never depend on
//! where the repository sits. When the reference folder it was copied from is beside the
//! repository (`../shared/dynatrace`, as on the team's machines), the copies must still match it.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/dynatrace");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("{}: not here, so there is nothing to compare the copies with", dir.display());
        None
    }
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
            assert!(original == copy, "core/data/openapi/{name} differs from the published spec");
        }
    }
}

/// Every JSON object on the documentation pages is among `examples/docs-*.json`.
#[test]
fn the_documentation_examples_are_all_copied() {
    let Some(shared) = shared() else { return };
    let copies: Vec<Value> = std::fs::read_dir(data().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("docs-"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    for page in std::fs::read_dir(shared.join("docs")).unwrap() {
        let page = page.unwrap().path();
        let text = std::fs::read_to_string(&page).unwrap();
        let mut at = 0;
        let mut found = 0;
        while let Some(offset) = text.get(at..).and_then(|rest| rest.find('{')) {
            let start = at + offset;
            let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(object)) => {
                    at = start + stream.byte_offset();
                    found += 1;
                    assert!(copies.contains(&object), "{}: {object} is not in core/data/examples", page.display());
                }
                _ => at = start + 1,
            }
        }
        assert!(found > 0, "{}: no JSON found", page.display());
    }
}
