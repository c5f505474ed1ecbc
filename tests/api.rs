//! The integration tests: the real server (router, services, embedded
//! SurrealDB) on a real socket, driven over HTTP as a client would. One
//! test binary holding every suite: each would otherwise link the whole
//! server and database again.

mod common;

mod butlers;
mod contract;
mod foundation;
mod help;
mod notices;
mod passes;
mod repairs;
mod wechat;
