//! The page's views, one folder each, chosen by the address (`route.rs`). A view owns its state
//! and reducer and its side effects; the components it draws with live in `components/`.

pub mod check;
pub mod inventory;
pub mod lazy;
pub mod module;
pub mod scan;

use yew::Properties;

use crate::app::Capabilities;
use crate::components::Ids;

/// What every view but the checker is given by the root.
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ViewProps {
    pub capabilities: Capabilities,
    pub ids: Ids,
    /// The environment URL to start with (remembered, or the page's default).
    pub environment: String,
    /// What follows `?` in the view's address (its filters), still percent-encoded.
    #[prop_or_default]
    pub query: String,
}
