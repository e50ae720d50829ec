//! The contract with the Dynatrace token API.
