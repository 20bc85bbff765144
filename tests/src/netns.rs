//! Hosts on one machine for tests of what crosses a network: a network namespace per host, each
//! joined to a bridge by a veth pair, each with its own address on a /24 of 10.0.0.0/8. The
//! test's own process (the chain's RPC server, the customer) sits on the bridge at `.1`. A host's
//! link can be cut and healed. Needs root and iproute2 (`ip`); everything is removed on drop.

use std::path::Path;
use std::process::Command;

pub struct Lan {
    bridge: String,
    subnet: String,
    hosts: Vec<Host>,
}

pub struct Host {
    pub name: String,
    pub namespace: String,
    pub ip: String,
    /// The veth end on the bridge: down cuts the host off.
    link: String,
}

fn ip(args: &[&str]) {
    let output = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`ip` (iproute2) is needed for the multi-host tests: {e}"));
    assert!(
        output.status.success(),
        "ip {}: {}(the multi-host tests need root to create network namespaces)",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Lan {
    /// A bridge and one namespace per name, all up.
    pub fn create(names: &[&str]) -> Lan {
        let id = std::process::id() % 100_000;
        let subnet = format!("10.{}.{}", 100 + id % 100, id / 100 % 250);
        let bridge = format!("ifx{id}br");
        ip(&["link", "add", &bridge, "type", "bridge"]);
        let mut lan = Lan {
            bridge,
            subnet,
            hosts: vec![],
        };
        ip(&[
            "addr",
            "add",
            &format!("{}/24", lan.gateway()),
            "dev",
            &lan.bridge,
        ]);
        ip(&["link", "set", &lan.bridge, "up"]);
        for (i, name) in names.iter().enumerate() {
            let host = Host {
                name: name.to_string(),
                namespace: format!("ifx{id}-{name}"),
                ip: format!("{}.{}", lan.subnet, i + 2),
                link: format!("ifx{id}h{i}"),
            };
            let inside = format!("ifx{id}n{i}");
            ip(&["netns", "add", &host.namespace]);
            lan.hosts.push(host);
            let host = lan.hosts.last().expect("just added");
            ip(&[
                "link", "add", &host.link, "type", "veth", "peer", "name", &inside,
            ]);
            ip(&["link", "set", &inside, "netns", &host.namespace]);
            ip(&["link", "set", &host.link, "master", &lan.bridge, "up"]);
            let ns = ["netns", "exec", &host.namespace, "ip"];
            ip(&[
                &ns[..],
                &["addr", "add", &format!("{}/24", host.ip), "dev", &inside],
            ]
            .concat());
            ip(&[&ns[..], &["link", "set", &inside, "up"]].concat());
            ip(&[&ns[..], &["link", "set", "lo", "up"]].concat());
        }
        lan
    }

    /// The test process's address on the bridge.
    pub fn gateway(&self) -> String {
        format!("{}.1", self.subnet)
    }

    pub fn host(&self, name: &str) -> &Host {
        self.hosts
            .iter()
            .find(|h| h.name == name)
            .unwrap_or_else(|| panic!("no host {name}"))
    }

    /// Takes `name`'s link down: its connections stall, new ones cannot be made.
    pub fn cut(&self, name: &str) {
        ip(&["link", "set", &self.host(name).link, "down"]);
    }

    pub fn heal(&self, name: &str) {
        ip(&["link", "set", &self.host(name).link, "up"]);
    }
}

impl Host {
    /// The command line that runs `bin args…` on this host: for [`crate::daemons::Daemon`].
    pub fn command(&self, bin: &Path, args: &[&str]) -> Vec<String> {
        let mut line: Vec<String> = ["netns", "exec", &self.namespace]
            .iter()
            .map(|s| s.to_string())
            .collect();
        line.push(bin.display().to_string());
        line.extend(args.iter().map(|s| s.to_string()));
        line
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for host in &self.hosts {
            let _ = Command::new("ip")
                .args(["netns", "del", &host.namespace])
                .status();
            let _ = Command::new("ip")
                .args(["link", "del", &host.link])
                .status();
        }
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .status();
    }
}
