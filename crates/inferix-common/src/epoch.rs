//! The epoch schedule (SPEC §4): 72-hour epochs by default, whose length can change with effect
//! from the next epoch boundary. `epoch(t)` and an epoch's bounds are pure functions of the
//! schedule, which keeps the segment in force and the one before it.

use crate::errors::CommonError;
use anchor_lang::prelude::*;

/// Default epoch length: 72 hours.
pub const DEFAULT_EPOCH_SECS: i64 = 72 * 3_600;

/// Epochs `origin_index, origin_index + 1, …` of `length_secs` each, from `origin_ts`.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochSegment {
    pub origin_ts: i64,
    pub origin_index: u32,
    pub length_secs: i64,
}

impl EpochSegment {
    fn epoch_at(&self, t: i64) -> Result<u32> {
        require!(t >= self.origin_ts, CommonError::BeforeEpochOrigin);
        let offset = u32::try_from((t - self.origin_ts) / self.length_secs)
            .map_err(|_| error!(CommonError::MathOverflow))?;
        self.origin_index
            .checked_add(offset)
            .ok_or_else(|| error!(CommonError::MathOverflow))
    }

    fn bounds(&self, index: u32) -> Result<(i64, i64)> {
        let start = (index - self.origin_index) as i64 * self.length_secs + self.origin_ts;
        Ok((start, start + self.length_secs))
    }
}

/// The segment in force and the one before it (identical until the first length change).
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochSchedule {
    pub previous: EpochSegment,
    pub current: EpochSegment,
}

impl EpochSchedule {
    /// Epoch 0 starts at `origin_ts`.
    pub fn new(origin_ts: i64, length_secs: i64) -> Result<Self> {
        require!(length_secs > 0, CommonError::InvalidEpochLength);
        let segment = EpochSegment {
            origin_ts,
            origin_index: 0,
            length_secs,
        };
        Ok(Self {
            previous: segment,
            current: segment,
        })
    }

    /// `epoch(t)`: the index of the epoch containing `t`.
    pub fn epoch_at(&self, t: i64) -> Result<u32> {
        if t >= self.current.origin_ts {
            self.current.epoch_at(t)
        } else {
            self.previous.epoch_at(t)
        }
    }

    /// `[start, end)` of epoch `index`.
    pub fn bounds(&self, index: u32) -> Result<(i64, i64)> {
        if index >= self.current.origin_index {
            self.current.bounds(index)
        } else if index >= self.previous.origin_index {
            self.previous.bounds(index)
        } else {
            err!(CommonError::EpochUnknown)
        }
    }

    /// Sets a new length from the boundary after `now`; a change requested again before that
    /// boundary replaces the pending one.
    pub fn change_length(&mut self, now: i64, length_secs: i64) -> Result<()> {
        require!(length_secs > 0, CommonError::InvalidEpochLength);
        let index = self.epoch_at(now)?;
        let (_, boundary) = self.bounds(index)?;
        if now >= self.current.origin_ts {
            self.previous = self.current;
        }
        self.current = EpochSegment {
            origin_ts: boundary,
            origin_index: index + 1,
            length_secs,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000;
    const H: i64 = 3_600;

    #[test]
    fn epochs_are_half_open_72_hour_windows() {
        let s = EpochSchedule::new(T0, DEFAULT_EPOCH_SECS).unwrap();
        assert_eq!(s.epoch_at(T0).unwrap(), 0);
        assert_eq!(s.epoch_at(T0 + 72 * H - 1).unwrap(), 0);
        assert_eq!(s.epoch_at(T0 + 72 * H).unwrap(), 1);
        assert_eq!(s.bounds(2).unwrap(), (T0 + 144 * H, T0 + 216 * H));
        assert!(s.epoch_at(T0 - 1).is_err());
        assert!(EpochSchedule::new(T0, 0).is_err());
    }

    #[test]
    fn a_length_change_takes_effect_at_the_next_boundary() {
        let mut s = EpochSchedule::new(T0, 72 * H).unwrap();
        // Requested in the middle of epoch 1: epoch 1 keeps 72 h, epoch 2 starts the 24-h ones.
        s.change_length(T0 + 100 * H, 24 * H).unwrap();
        assert_eq!(s.bounds(1).unwrap(), (T0 + 72 * H, T0 + 144 * H));
        assert_eq!(s.epoch_at(T0 + 144 * H - 1).unwrap(), 1);
        assert_eq!(s.epoch_at(T0 + 144 * H).unwrap(), 2);
        assert_eq!(s.bounds(2).unwrap(), (T0 + 144 * H, T0 + 168 * H));
        assert_eq!(s.epoch_at(T0 + 168 * H - 1).unwrap(), 2);
        assert_eq!(s.epoch_at(T0 + 168 * H).unwrap(), 3);
        assert_eq!(
            s.bounds(0).unwrap(),
            (T0, T0 + 72 * H),
            "older epochs keep their bounds"
        );

        // A second request before the boundary replaces the pending change.
        let mut pending = EpochSchedule::new(T0, 72 * H).unwrap();
        pending.change_length(T0 + 10 * H, 24 * H).unwrap();
        pending.change_length(T0 + 20 * H, 48 * H).unwrap();
        assert_eq!(pending.bounds(1).unwrap(), (T0 + 72 * H, T0 + 120 * H));
        assert_eq!(pending.bounds(0).unwrap(), (T0, T0 + 72 * H));

        // A change requested exactly at a boundary applies from the following one.
        s.change_length(T0 + 168 * H, 12 * H).unwrap();
        assert_eq!(
            s.bounds(3).unwrap(),
            (T0 + 168 * H, T0 + 192 * H),
            "epoch 3 had started"
        );
        assert_eq!(s.bounds(4).unwrap(), (T0 + 192 * H, T0 + 204 * H));
        assert_eq!(s.epoch_at(T0 + 204 * H).unwrap(), 5);
        assert!(s.bounds(1).is_err(), "two changes back is forgotten");
    }
}
