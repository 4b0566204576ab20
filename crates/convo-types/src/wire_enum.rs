//! `wire_enum!`: an enum whose wire form is a fixed set of strings, defined once for serde,
//! parsing, display and the OpenAPI schema, so the document cannot drift from the wire.

/// Declares an enum from `Variant = "wire" | "alias"` pairs and its doc comment. The OpenAPI
/// schema lists the wire names (not the aliases, which are accepted but never sent).
macro_rules! wire_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident = $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text $(, alias = $alias)*)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the wire form (aliases included).
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                $name::parse(text).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("`{text}` is not one of: {}", all.join(", "))
                })
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc),*];
                let description = doc.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ");
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|v| v.as_str())))
                    .description((!description.is_empty()).then_some(description))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use wire_enum;

#[cfg(all(test, feature = "openapi"))]
mod tests {
    use utoipa::PartialSchema;

    use crate::{EventType, Status};

    /// The schema lists exactly what serde writes.
    #[test]
    fn schema_lists_the_wire_names() {
        for (schema, wire) in [
            (
                serde_json::to_value(Status::schema()).unwrap(),
                serde_json::to_value(Status::ALL).unwrap(),
            ),
            (
                serde_json::to_value(EventType::schema()).unwrap(),
                serde_json::to_value(EventType::ALL).unwrap(),
            ),
        ] {
            assert_eq!(schema["enum"], wire);
            assert_eq!(schema["type"], "string");
        }
    }
}
