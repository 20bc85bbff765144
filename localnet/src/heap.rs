//! SBF limits, checked natively (SPEC §10): on chain a program invocation gets a 32 KiB heap
//! from a bump allocator that never frees. Natively the programs use the host's allocator, so the
//! harness counts instead: a global allocator adds every allocation made while one of our
//! programs' entry points runs to that invocation's total. Frees are not subtracted (the bump
//! allocator never frees), a `realloc` counts its whole new size (it copies), and a nested
//! invocation (CPI) counts on its own, as it gets its own heap on chain. What the host does for
//! the program — printing its logs (`msg!` formats on the program's heap, counted; printing it is
//! a syscall on chain, and natively libtest's output capture grows a buffer), sysvars, CPI
//! plumbing, the SPL programs running as BPF — is not the program's heap and is not counted. The entrypoint's account deserializer allocates outside
//! `entry` natively, so its cost on chain (`ENTRYPOINT_BYTES_PER_ACCOUNT`) is added.
//!
//! The same wrapper makes the logs read as a cluster's: `msg!` lines (printed natively) and
//! `sol_log_data` events (dropped natively) reach the transaction's logs as `Program log: …` and
//! `Program data: …` (`cluster_logs`).
//!
//! An invocation over `SBF_HEAP_BYTES` fails like one that runs out of heap on chain, so the
//! local cluster and every test refuse what a real cluster would; every process that started a
//! bank prints the largest invocation per program when it exits ("heap: …").

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::program_error::ProgramError;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{Mutex, Once};

/// The heap of one SBF program invocation.
pub const SBF_HEAP_BYTES: usize = 32 * 1024;

/// What the standard entrypoint allocates per account on chain: the `AccountInfo` in its vector
/// (48 B) and the two `Rc<RefCell<…>>` for lamports (32 B) and data (40 B).
pub const ENTRYPOINT_BYTES_PER_ACCOUNT: usize = 120;

const MAX_FRAMES: usize = 32;

thread_local! {
    /// Invocations in progress on this thread, innermost last: `Some(bytes)` while one of our
    /// programs runs, `None` while the host works on its behalf (not counted).
    static FRAMES: [Cell<Option<usize>>; MAX_FRAMES] = const { [const { Cell::new(None) }; MAX_FRAMES] };
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = DEPTH.try_with(|depth| {
        let depth = depth.get();
        if depth == 0 {
            return;
        }
        let _ = FRAMES.try_with(|frames| {
            let frame = &frames[depth - 1];
            if let Some(total) = frame.get() {
                frame.set(Some(total + bytes));
            }
        });
    });
}

fn push(frame: Option<usize>) {
    DEPTH.with(|depth| {
        let d = depth.get();
        assert!(
            d < MAX_FRAMES,
            "invocations nested deeper than {MAX_FRAMES}"
        );
        FRAMES.with(|frames| frames[d].set(frame));
        depth.set(d + 1);
    });
}

fn pop() -> Option<usize> {
    DEPTH.with(|depth| {
        let d = depth.get() - 1;
        depth.set(d);
        FRAMES.with(|frames| frames[d].get())
    })
}

/// Bytes a bump allocator hands out for `layout`: its size, rounded up to its alignment.
fn bump_bytes(layout: Layout) -> usize {
    layout.size().next_multiple_of(layout.align())
}

/// The host allocator, counting what each running program invocation allocates.
pub struct CountingAllocator;

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(bump_bytes(layout));
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(bump_bytes(layout));
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size.next_multiple_of(layout.align()));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The largest invocation seen per program: (bytes, instruction discriminator).
static LARGEST: Mutex<BTreeMap<&'static str, (usize, [u8; 8])>> = Mutex::new(BTreeMap::new());

/// Runs `entry` as program `program`'s invocation, counting its heap; fails it when it would
/// have run out of heap on chain.
pub fn measured(
    program: &'static str,
    accounts: &[AccountInfo],
    data: &[u8],
    entry: impl FnOnce() -> ProgramResult,
) -> ProgramResult {
    push(Some(accounts.len() * ENTRYPOINT_BYTES_PER_ACCOUNT));
    let result = entry();
    let bytes = pop().unwrap_or_default();
    let mut discriminator = [0u8; 8];
    let n = data.len().min(8);
    discriminator[..n].copy_from_slice(&data[..n]);
    {
        let mut largest = LARGEST.lock().unwrap_or_else(|e| e.into_inner());
        let entry = largest.entry(program).or_insert((0, discriminator));
        if bytes > entry.0 {
            *entry = (bytes, discriminator);
        }
    }
    if bytes > SBF_HEAP_BYTES {
        eprintln!(
            "heap: {program} instruction {} allocated {bytes} bytes, over the {SBF_HEAP_BYTES}-byte SBF heap",
            instruction_name(program, &discriminator)
        );
        return Err(ProgramError::Custom(HEAP_EXHAUSTED));
    }
    result
}

/// The error an invocation over the SBF heap fails with (not a code our programs use).
pub const HEAP_EXHAUSTED: u32 = 0x4845_4150;

/// The largest invocation per program so far: (program, bytes, instruction name).
pub fn largest() -> Vec<(&'static str, usize, String)> {
    let largest = LARGEST.lock().unwrap_or_else(|e| e.into_inner());
    largest
        .iter()
        .map(|(program, (bytes, d))| (*program, *bytes, instruction_name(program, d)))
        .collect()
}

/// The instruction's name from the program's IDL, or its discriminator in hex.
fn instruction_name(program: &str, discriminator: &[u8; 8]) -> String {
    let path = format!("{}/../idl/{program}.json", env!("CARGO_MANIFEST_DIR"));
    let idl: Option<serde_json::Value> = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    idl.as_ref()
        .and_then(|idl| idl["instructions"].as_array())
        .and_then(|instructions| {
            instructions.iter().find(|ix| {
                ix["discriminator"]
                    .as_array()
                    .map(|d| {
                        d.iter()
                            .map(|b| b.as_u64().unwrap_or(256))
                            .eq(discriminator.iter().map(|b| u64::from(*b)))
                    })
                    .unwrap_or(false)
            })
        })
        .and_then(|ix| ix["name"].as_str().map(str::to_string))
        .unwrap_or_else(|| {
            discriminator
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
}

/// Host work done for the running program (not its heap on chain).
fn on_behalf<T>(work: impl FnOnce() -> T) -> T {
    push(None);
    let result = work();
    pop();
    result
}

/// program-test's syscall stubs, with the host's work for a program left out of its count.
struct UncountedSyscalls {
    inner: Box<dyn solana_sysvar::program_stubs::SyscallStubs>,
}

impl solana_sysvar::program_stubs::SyscallStubs for UncountedSyscalls {
    fn sol_log(&self, message: &str) {
        on_behalf(|| self.inner.sol_log(message))
    }
    fn sol_log_compute_units(&self) {
        on_behalf(|| self.inner.sol_log_compute_units())
    }
    fn sol_remaining_compute_units(&self) -> u64 {
        on_behalf(|| self.inner.sol_remaining_compute_units())
    }
    fn sol_invoke_signed(
        &self,
        instruction: &anchor_lang::solana_program::instruction::Instruction,
        account_infos: &[AccountInfo],
        signers_seeds: &[&[&[u8]]],
    ) -> ProgramResult {
        on_behalf(|| {
            self.inner
                .sol_invoke_signed(instruction, account_infos, signers_seeds)
        })
    }
    fn sol_get_sysvar(&self, id: *const u8, var: *mut u8, offset: u64, length: u64) -> u64 {
        on_behalf(|| self.inner.sol_get_sysvar(id, var, offset, length))
    }
    fn sol_get_clock_sysvar(&self, var: *mut u8) -> u64 {
        on_behalf(|| self.inner.sol_get_clock_sysvar(var))
    }
    fn sol_get_epoch_schedule_sysvar(&self, var: *mut u8) -> u64 {
        on_behalf(|| self.inner.sol_get_epoch_schedule_sysvar(var))
    }
    fn sol_get_fees_sysvar(&self, var: *mut u8) -> u64 {
        on_behalf(|| self.inner.sol_get_fees_sysvar(var))
    }
    fn sol_get_rent_sysvar(&self, var: *mut u8) -> u64 {
        on_behalf(|| self.inner.sol_get_rent_sysvar(var))
    }
    fn sol_get_epoch_rewards_sysvar(&self, var: *mut u8) -> u64 {
        on_behalf(|| self.inner.sol_get_epoch_rewards_sysvar(var))
    }
    fn sol_get_last_restart_slot(&self, var: *mut u8) -> u64 {
        on_behalf(|| self.inner.sol_get_last_restart_slot(var))
    }
    fn sol_get_epoch_stake(&self, vote_address: *const u8) -> u64 {
        on_behalf(|| self.inner.sol_get_epoch_stake(vote_address))
    }
    unsafe fn sol_memcpy(&self, dst: *mut u8, src: *const u8, n: usize) {
        self.inner.sol_memcpy(dst, src, n)
    }
    unsafe fn sol_memmove(&self, dst: *mut u8, src: *const u8, n: usize) {
        self.inner.sol_memmove(dst, src, n)
    }
    unsafe fn sol_memcmp(&self, s1: *const u8, s2: *const u8, n: usize, result: *mut i32) {
        self.inner.sol_memcmp(s1, s2, n, result)
    }
    unsafe fn sol_memset(&self, s: *mut u8, c: u8, n: usize) {
        self.inner.sol_memset(s, c, n)
    }
    fn sol_get_return_data(&self) -> Option<(Pubkey, Vec<u8>)> {
        on_behalf(|| self.inner.sol_get_return_data())
    }
    fn sol_set_return_data(&self, data: &[u8]) {
        on_behalf(|| self.inner.sol_set_return_data(data))
    }
    fn sol_log_data(&self, fields: &[&[u8]]) {
        // program-test records no `sol_log_data` (its stub prints it): log it marked, and
        // `cluster_logs` turns it into the `Program data:` line a cluster writes.
        on_behalf(|| {
            let encoded: Vec<String> = fields
                .iter()
                .map(|field| {
                    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, field)
                })
                .collect();
            self.inner
                .sol_log(&format!("{PROGRAM_DATA_MARKER}{}", encoded.join(" ")))
        })
    }
    fn sol_get_processed_sibling_instruction(
        &self,
        index: usize,
    ) -> Option<anchor_lang::solana_program::instruction::Instruction> {
        on_behalf(|| self.inner.sol_get_processed_sibling_instruction(index))
    }
    fn sol_get_stack_height(&self) -> u64 {
        self.inner.sol_get_stack_height()
    }
}

/// Stands in for a moment while the stubs are swapped.
struct Placeholder;
impl solana_sysvar::program_stubs::SyscallStubs for Placeholder {}

/// A program's `msg!` line (see `vendor/README.md`): inside an invocation it goes to the
/// transaction's logs as `Program log: …`, as on a cluster; elsewhere it is printed.
fn route_log(message: &str) {
    let in_program = DEPTH.try_with(|depth| depth.get() > 0).unwrap_or(false);
    if in_program {
        solana_sysvar::program_stubs::sol_log(message);
    } else {
        println!("{message}");
    }
}

/// Marks a `sol_log_data` line among program-test's `Program log:` lines.
const PROGRAM_DATA_MARKER: &str = "\u{1}program-data: ";

/// A transaction's logs as a cluster writes them: marked event data becomes `Program data: …`
/// (what Anchor's and the SDK's event parsers read).
pub fn cluster_logs(logs: Vec<String>) -> Vec<String> {
    let marked = format!("Program log: {PROGRAM_DATA_MARKER}");
    logs.into_iter()
        .map(|line| match line.strip_prefix(&marked) {
            Some(data) => format!("Program data: {data}"),
            None => line,
        })
        .collect()
}

extern "C" fn print_largest() {
    for (program, bytes, instruction) in largest() {
        eprintln!(
            "heap: {program:<14} largest invocation {bytes:>6} bytes of {SBF_HEAP_BYTES} ({instruction})"
        );
    }
}

/// Wraps program-test's syscall stubs (call after a `ProgramTest` has started, before any
/// transaction) and prints the largest invocations when the process exits.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let inner = solana_sysvar::program_stubs::set_syscall_stubs(Box::new(Placeholder));
        solana_sysvar::program_stubs::set_syscall_stubs(Box::new(UncountedSyscalls { inner }));
        solana_msg::set_host_logger(route_log);
        // SAFETY: registers a plain function with the C runtime, run once at exit.
        unsafe {
            libc::atexit(print_largest);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invocation_counts_its_own_allocations_but_not_the_hosts() {
        let no_accounts: &[AccountInfo] = &[];
        let result = measured("heap_probe", no_accounts, &[1; 8], || {
            let kept = vec![0u8; 1_000];
            drop(kept);
            // Freed memory is not reused by a bump allocator.
            let again = vec![0u8; 1_000];
            on_behalf(|| drop(vec![0u8; 50_000]));
            drop(again);
            Ok(())
        });
        assert!(result.is_ok());
        let probe = largest()
            .into_iter()
            .find(|(program, _, _)| *program == "heap_probe")
            .unwrap();
        assert_eq!(probe.1, 2_000);
    }

    #[test]
    fn an_invocation_over_the_sbf_heap_fails() {
        let no_accounts: &[AccountInfo] = &[];
        let result = measured("heap_hog", no_accounts, &[], || {
            drop(vec![0u8; SBF_HEAP_BYTES + 1]);
            Ok(())
        });
        assert_eq!(result, Err(ProgramError::Custom(HEAP_EXHAUSTED)));
    }
}
