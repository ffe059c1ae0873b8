//! Integration tests of the demo crate, one binary: the demo plant as a plant an OT engineer would
//! recognise ([`demo_plant`]), the vulnerable-version claims against the real public data in
//! `../shared/fixtures` ([`fixture_claims`]), and the synthetic plant generator ([`scaled`]).

mod demo_plant;
mod fixture_claims;
mod scaled;
