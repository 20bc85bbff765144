//! Vulkan adapters through wgpu: listing, choosing one, opening a device.

use serde::Serialize;

use crate::error::WorkerError;

/// What a user needs to tell adapters apart (`inferix-worker adapters`).
#[derive(Clone, Debug, Serialize)]
pub struct AdapterSummary {
    pub index: usize,
    pub name: String,
    pub device_type: String,
    pub driver: String,
    pub driver_info: String,
    pub vendor_id: u32,
    pub device_id: u32,
}

impl AdapterSummary {
    fn of(index: usize, info: &wgpu::AdapterInfo) -> Self {
        Self {
            index,
            name: info.name.clone(),
            device_type: format!("{:?}", info.device_type),
            driver: info.driver.clone(),
            driver_info: info.driver_info.clone(),
            vendor_id: info.vendor,
            device_id: info.device,
        }
    }

    /// One line identifying the adapter and driver: results are byte-reproducible only for the
    /// same line.
    pub fn label(&self) -> String {
        format!(
            "{} ({}, {} {})",
            self.name, self.device_type, self.driver, self.driver_info
        )
    }
}

fn instance() -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::VULKAN,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    })
}

fn adapters() -> Vec<wgpu::Adapter> {
    pollster::block_on(instance().enumerate_adapters(wgpu::Backends::VULKAN))
}

/// Every Vulkan adapter, in the order the driver reports them.
pub fn list_adapters() -> Result<Vec<AdapterSummary>, WorkerError> {
    let list: Vec<AdapterSummary> = adapters()
        .iter()
        .enumerate()
        .map(|(i, a)| AdapterSummary::of(i, &a.get_info()))
        .collect();
    if list.is_empty() {
        return Err(WorkerError::NoAdapter);
    }
    Ok(list)
}

/// A device ready for compute work.
pub struct Gpu {
    pub adapter: AdapterSummary,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
}

impl Gpu {
    /// Opens `selector` (an index from `adapters`, or a case-insensitive part of the name), or
    /// by default the fastest kind present: discrete, integrated, virtual, then CPU.
    /// `limits` caps what the device may use (tests use it to emulate small devices); by default
    /// the adapter's own limits apply.
    pub fn open(selector: Option<&str>, limits: Option<wgpu::Limits>) -> Result<Gpu, WorkerError> {
        let candidates = adapters();
        if candidates.is_empty() {
            return Err(WorkerError::NoAdapter);
        }
        let infos: Vec<wgpu::AdapterInfo> = candidates.iter().map(|a| a.get_info()).collect();
        let index = match selector {
            Some(s) => select(&infos, s).ok_or_else(|| WorkerError::AdapterNotFound {
                requested: s.to_string(),
                available: infos
                    .iter()
                    .enumerate()
                    .map(|(i, info)| format!("{i}: {}", info.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
            None => (0..infos.len())
                .min_by_key(|&i| preference(infos[i].device_type))
                .expect("candidates is not empty"),
        };
        let adapter = &candidates[index];
        let summary = AdapterSummary::of(index, &infos[index]);
        let required_limits = limits.unwrap_or_else(|| adapter.limits());
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("inferix-worker"),
            required_limits,
            ..Default::default()
        }))
        .map_err(|e| WorkerError::DeviceUnavailable {
            adapter: summary.label(),
            reason: e.to_string(),
        })?;
        Ok(Gpu {
            adapter: summary,
            device,
            queue,
        })
    }
}

fn select(infos: &[wgpu::AdapterInfo], selector: &str) -> Option<usize> {
    if let Ok(i) = selector.parse::<usize>() {
        return (i < infos.len()).then_some(i);
    }
    let needle = selector.to_lowercase();
    infos
        .iter()
        .position(|info| info.name.to_lowercase().contains(&needle))
}

fn preference(kind: wgpu::DeviceType) -> u8 {
    match kind {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    }
}
