//! Events from transaction logs. Anchor's `emit!` writes each event as a `Program data: <base64>`
//! log line (8-byte discriminator, then the Borsh fields) while its program is executing; this
//! module finds those lines, attributes each to the program on top of the invoke stack, names it
//! from the program's IDL and decodes it into the program's event type.
//!
//! ```
//! use anchor_lang::Event;
//! use inferix_sdk::events::{parse_logs, EmittedEvent};
//! use inferix_sdk::node_staking::events::Staked;
//! use base64::Engine;
//!
//! let staked = Staked { node: Default::default(), staker: Default::default(), amount: 5, stake: 5 };
//! let data = base64::engine::general_purpose::STANDARD.encode(staked.data());
//! let logs = vec![
//!     format!("Program {} invoke [1]", inferix_sdk::node_staking::ID),
//!     format!("Program data: {data}"),
//!     format!("Program {} success", inferix_sdk::node_staking::ID),
//! ];
//! let events = parse_logs(&logs);
//! assert_eq!(events[0].name, "Staked");
//! assert_eq!(events[0].decode::<Staked>().unwrap().amount, 5);
//! ```

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AnchorDeserialize, Discriminator};
use base64::Engine;

use crate::errors::parsed_idls;

/// One event a program emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedEvent {
    pub program: Pubkey,
    /// The event's name in the program's IDL (`"?"` for an unknown discriminator).
    pub name: String,
    /// Discriminator and Borsh fields.
    pub data: Vec<u8>,
}

impl EmittedEvent {
    /// The event as `T`, or `None` when it is another event.
    pub fn decode<T: AnchorDeserialize + Discriminator>(&self) -> Option<T> {
        let fields = self.data.strip_prefix(T::DISCRIMINATOR)?;
        T::deserialize(&mut &fields[..]).ok()
    }
}

fn event_name(program: &Pubkey, data: &[u8]) -> String {
    parsed_idls()
        .iter()
        .find(|(id, _)| id == program)
        .and_then(|(_, idl)| {
            idl["events"].as_array()?.iter().find_map(|e| {
                let disc: Vec<u8> = e["discriminator"]
                    .as_array()?
                    .iter()
                    .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                    .collect();
                (data.starts_with(&disc) && disc.len() == 8)
                    .then(|| e["name"].as_str().unwrap_or("?").to_string())
            })
        })
        .unwrap_or_else(|| "?".into())
}

/// The Inferix events in a transaction's log messages, in order. Lines from other programs
/// are kept too (named `"?"`), attributed to the program that emitted them.
pub fn parse_logs(logs: &[String]) -> Vec<EmittedEvent> {
    let mut stack: Vec<Pubkey> = vec![];
    let mut events = vec![];
    for line in logs {
        let Some(rest) = line.strip_prefix("Program ") else {
            continue;
        };
        if let Some(data) = rest.strip_prefix("data: ") {
            let (Some(program), Ok(data)) = (
                stack.last(),
                base64::engine::general_purpose::STANDARD.decode(data.trim()),
            ) else {
                continue;
            };
            events.push(EmittedEvent {
                program: *program,
                name: event_name(program, &data),
                data,
            });
            continue;
        }
        let mut words = rest.split_whitespace();
        let (Some(id), Some(verb)) = (words.next(), words.next()) else {
            continue;
        };
        match verb {
            "invoke" => {
                if let Ok(program) = id.parse() {
                    stack.push(program);
                }
            }
            "success" | "failed:" => {
                stack.pop();
            }
            _ => {}
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::Event;

    fn encoded(event: &impl Event) -> String {
        format!(
            "Program data: {}",
            base64::engine::general_purpose::STANDARD.encode(event.data())
        )
    }

    #[test]
    fn events_are_attributed_to_the_program_on_top_of_the_invoke_stack() {
        let epoch = epoch_rewards::events::EpochFinalized {
            epoch: 3,
            total_ibm_micros: 360_000_000,
            worker_reward: 75,
            verifier_reward: 8,
            penalties_included: 0,
        };
        let released = node_staking::events::PenaltyReleased {
            slash: Pubkey::new_unique(),
            amount: 9,
            verifier_pool: Pubkey::new_unique(),
        };
        let logs = vec![
            format!("Program {} invoke [1]", epoch_rewards::ID),
            "Program log: Instruction: FinalizeEpoch".to_string(),
            format!("Program {} invoke [2]", node_staking::ID),
            encoded(&released),
            format!(
                "Program {} consumed 100 of 200 compute units",
                node_staking::ID
            ),
            format!("Program {} success", node_staking::ID),
            encoded(&epoch),
            format!("Program {} success", epoch_rewards::ID),
            "Program data: not base64!".to_string(),
        ];
        let events = parse_logs(&logs);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].program, node_staking::ID);
        assert_eq!(events[0].name, "PenaltyReleased");
        let decoded = events[0]
            .decode::<node_staking::events::PenaltyReleased>()
            .unwrap();
        assert_eq!((decoded.slash, decoded.amount), (released.slash, 9));
        assert_eq!(events[1].program, epoch_rewards::ID);
        assert_eq!(events[1].name, "EpochFinalized");
        let decoded = events[1]
            .decode::<epoch_rewards::events::EpochFinalized>()
            .unwrap();
        assert_eq!((decoded.epoch, decoded.worker_reward), (3, 75));
        assert!(events[1]
            .decode::<node_staking::events::PenaltyReleased>()
            .is_none());
    }
}
