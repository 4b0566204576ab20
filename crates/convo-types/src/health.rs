use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What the health checks answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// `ok` from `/healthz`, `ready` from `/readyz`.
    #[cfg_attr(feature = "openapi", schema(example = "ok"))]
    pub status: String,
}

impl Health {
    pub fn new(status: &str) -> Self {
        Health {
            status: status.to_owned(),
        }
    }
}
