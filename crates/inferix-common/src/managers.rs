//! The deployment's managers (SPEC §10): the keys that dispatch work and co-sign every
//! attestation, benchmark and violation next to the verifier quorum. epoch-rewards and
//! node-staking each keep a set of at most [`MAX_MANAGERS`] keys, changed by their admin; the
//! set may be empty only while the program is paused, because an empty set stops all crediting.

use crate::errors::CommonError;
use anchor_lang::prelude::*;

pub const MAX_MANAGERS: usize = 4;

/// Checks a whole set: at most [`MAX_MANAGERS`] distinct, non-default keys, and not empty
/// unless `paused`.
pub fn validate_managers(managers: &[Pubkey], paused: bool) -> Result<()> {
    require!(managers.len() <= MAX_MANAGERS, CommonError::ManagerSetFull);
    require!(!managers.is_empty() || paused, CommonError::ManagerSetEmpty);
    for (i, manager) in managers.iter().enumerate() {
        require!(*manager != Pubkey::default(), CommonError::InvalidManager);
        require!(
            !managers[..i].contains(manager),
            CommonError::AlreadyAManager
        );
    }
    Ok(())
}

pub fn add_manager(managers: &mut Vec<Pubkey>, manager: Pubkey) -> Result<()> {
    require!(manager != Pubkey::default(), CommonError::InvalidManager);
    require!(!managers.contains(&manager), CommonError::AlreadyAManager);
    require!(managers.len() < MAX_MANAGERS, CommonError::ManagerSetFull);
    managers.push(manager);
    Ok(())
}

/// Removes `manager`; the last one only while the program is paused.
pub fn remove_manager(managers: &mut Vec<Pubkey>, manager: &Pubkey, paused: bool) -> Result<()> {
    let position = managers
        .iter()
        .position(|m| m == manager)
        .ok_or_else(|| error!(CommonError::NotAManager))?;
    require!(managers.len() > 1 || paused, CommonError::ManagerSetEmpty);
    managers.remove(position);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<()>) -> u32 {
        match result.unwrap_err() {
            Error::AnchorError(e) => e.error_code_number,
            Error::ProgramError(e) => panic!("expected a named error, got {e:?}"),
        }
    }

    #[test]
    fn a_set_holds_four_distinct_keys_and_is_empty_only_while_paused() {
        let keys: Vec<Pubkey> = (0..5).map(|_| Pubkey::new_unique()).collect();
        let mut set = Vec::new();
        for key in &keys[..4] {
            add_manager(&mut set, *key).unwrap();
        }
        assert_eq!(
            code(add_manager(&mut set, keys[4])),
            u32::from(CommonError::ManagerSetFull)
        );
        assert_eq!(
            code(validate_managers(&keys, false)),
            u32::from(CommonError::ManagerSetFull)
        );
        set.pop();
        assert_eq!(
            code(add_manager(&mut set, keys[0])),
            u32::from(CommonError::AlreadyAManager)
        );
        assert_eq!(
            code(add_manager(&mut set, Pubkey::default())),
            u32::from(CommonError::InvalidManager)
        );
        assert_eq!(
            code(remove_manager(&mut set, &keys[4], false)),
            u32::from(CommonError::NotAManager)
        );
        remove_manager(&mut set, &keys[0], false).unwrap();
        remove_manager(&mut set, &keys[1], false).unwrap();
        assert_eq!(
            code(remove_manager(&mut set, &keys[2], false)),
            u32::from(CommonError::ManagerSetEmpty)
        );
        remove_manager(&mut set, &keys[2], true).unwrap();
        assert!(set.is_empty());
        assert_eq!(
            code(validate_managers(&set, false)),
            u32::from(CommonError::ManagerSetEmpty)
        );
        validate_managers(&set, true).unwrap();
        assert_eq!(
            code(validate_managers(&[keys[0], keys[0]], false)),
            u32::from(CommonError::AlreadyAManager)
        );
    }
}
