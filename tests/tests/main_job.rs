//! The README's first command: the whole network on the embedded bank, run with small frames,
//! its output checked step by step and its frames read back.

use std::process::Command;

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn the_main_job_runs_the_whole_network_and_prints_every_step() {
    let out = std::env::temp_dir().join(format!("inferix-main-job-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(env!("CARGO_BIN_EXE_inferix-demo"))
        .args([
            "--out",
            out.to_str().unwrap(),
            "--frame",
            "128x96",
            "--spp",
            "8",
        ])
        .output()
        .expect("running inferix-demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let steps = [
        // migrations: a dry run, six accounts created, then nothing to do
        "dry run: 6 account(s) would be created; nothing was sent",
        "6 account(s) created",
        "nothing to do: every config account already exists; nothing changed",
        "managers (epoch-rewards and node-staking, from the cluster file): ",
        // licenses, one bought with a user code
        "bought Worker license #1 (tier 1) for $300.00",
        "bought Worker license #2 (tier 1) for $285.00",
        "bob used alice's user code: paid $285.00 (5 % off the $300.00 tier); alice earned $15.00 commission",
        "bought Verifier license #2 (tier 1) for $300.00",
        // nodes staked: stake against S(n)
        "staked 1000.000000000 IFX: stake 1000.000000000 IFX vs S(n) 1000.000000000 IFX; active",
        "the manager and both verifiers co-signed a Benchmark: IB = ",
        "S(n) = 2 × 4,320 min × IB × $0.04 per IBM at $0.05 per IFX = ",
        "; active: its stake covers S(n)",
        // real frames, proven with PoR by both verifiers
        "job 1: cornell-box 128×96 at 8 spp",
        "job 2: material-spheres 128×96 at 8 spp",
        "verifier 1: ACCEPTED — noise regions",
        "verifier 2: ACCEPTED — noise regions",
        // attestations, the epoch's IBM and the leaderboard
        "the manager and both verifiers signed a PorAttestation of 2 jobs",
        "bob (operator) paid and signed the transaction",
        "100.00 %",
        "job 3: neon-night 128×96 at 8 spp",
        "epoch 1: job 3 attested the same way",
        // the epoch finalized and claimed
        "claimed epoch(s) [0]",
        "epoch 0 finalized by the claim: R = min(IBM × 0.21 IFX, 770,000 IFX, funds)",
        "participation 2 of 2 epochs since it started (epoch 1 now)",
        // the buyback
        "eligible for the buyback",
        "window ",
        "option ifx:  5700.000000000 IFX, vesting over 30 days",
        "back for 5700.000000000 IFX",
        "withdrew 5700.000000000 IFX of the buyback",
        "of vested rewards",
        "withdrew retirement ticket",
        // every vault equals what its program owes
        "vesting vault ",
        "done: frames in",
    ];
    let mut from = 0;
    for step in steps {
        match stdout[from..].find(step) {
            Some(at) => from += at,
            None => panic!("step missing or out of order: {step:?}\n{stdout}"),
        }
    }
    assert!(!stdout.contains("REJECTED"), "{stdout}");
    let frames = out.join("frames");
    for name in [
        "epoch-0-job-1-cornell-box.png",
        "epoch-0-job-2-material-spheres.png",
        "epoch-1-job-3-neon-night.png",
    ] {
        let bytes = std::fs::read(frames.join(name)).expect(name);
        assert_eq!(png_size(&bytes), (128, 96), "{name}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}
