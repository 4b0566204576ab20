//! Other products' wire shapes that convo also serves: Connect360's procedures (over tRPC)
//! and VoIPbin's conversation resource. The server translates them to and from convo's use
//! cases; the SDK sends and reads them.

pub mod connect360;
pub mod voipbin;
