pub mod license_config;
pub mod license_record;
pub mod partner_code;
pub mod sale;
pub mod wallet_purchases;

pub use license_config::*;
pub use license_record::*;
pub use partner_code::*;
pub use sale::*;
pub use wallet_purchases::*;
