use inferix_localnet::bank::{custom_error, TxResult};

/// Asserts that a transaction failed with the named Anchor error (program, shared or framework).
#[track_caller]
pub fn assert_error(result: &TxResult, expected: impl Into<u32> + std::fmt::Debug + Copy) {
    let expected_code: u32 = expected.into();
    match custom_error(result) {
        Some(code) if code == expected_code => {}
        _ => panic!("expected {expected:?} ({expected_code}), got {result:?}"),
    }
}
