//! The README's first command: the network as separate processes (cluster, manager, three
//! verifier daemons, a worker daemon), run with small frames; its output checked step by step,
//! its frames read back, and every process it started gone afterwards.

use std::process::Command;

#[test]
fn the_main_job_runs_every_role_as_a_process_and_stops_them_all() {
    let out = std::env::temp_dir().join(format!("inferix-network-job-{}", std::process::id()));
    let output = Command::new(env!("CARGO_BIN_EXE_inferix-network"))
        .args([
            "--out",
            out.to_str().unwrap(),
            "--frame",
            "128x96",
            "--spp",
            "8",
        ])
        .output()
        .expect("running inferix-network");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for step in [
        "1. the chain: inferix-localnet",
        "verifier-3: licence ",
        "no IB yet, so no stake yet",
        "worker daemon: /health and /metrics on http://127.0.0.1:",
        "checked by its committee, co-signed through the relay: IB ",
        "status \"Active\"",
        "the worker was killed (SIGKILL) while rendering ",
        "verified by the committee after 2 lease(s)",
        "verified by the committee after 1 lease(s)",
        "IBM credited to the worker",
        "worker: ",
        "IFX paid now",
        "peak memory: manager ",
        "9. stopping everything (SIGTERM)",
        "done: frames in ",
    ] {
        assert!(stdout.contains(step), "missing '{step}' in:\n{stdout}");
    }
    let frames: Vec<_> = std::fs::read_dir(out.join("frames"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(frames.len() >= 3, "{frames:?}");
    for frame in &frames {
        let (w, h, _) = inferix_worker::frame::read_png_rgb8(frame).expect("a PNG frame");
        assert_eq!((w, h), (128, 96));
    }
    // Every process it started has logged, and has exited (no command line names its folder).
    for log in ["localnet", "manager", "worker", "verifier-1"] {
        let text = std::fs::read_to_string(out.join("logs").join(format!("{log}.log")))
            .unwrap_or_default();
        assert!(!text.is_empty(), "{log} logged nothing");
    }
    let folder = out.to_str().unwrap().to_string();
    let leftovers: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&folder))
        .collect();
    assert!(
        leftovers.is_empty(),
        "processes left running: {leftovers:?}"
    );
    std::fs::remove_dir_all(&out).ok();
}
