//! What every view shares about state: a value that comes from the network ([`Remote`]) and
//! the tag that matches an answer to its question ([`RequestId`]). Each view has its own state
//! and reducer next to it (`views/check/state.rs`, `views/inventory/state.rs`).

/// A value that comes from the network.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Remote<T, E> {
    #[default]
    Idle,
    Loading,
    Loaded(T),
    Failed(E),
}

/// Identifies one request, so that its answer can be matched to the question.
pub type RequestId = u64;
