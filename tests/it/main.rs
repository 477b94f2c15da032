//! The integration tests, in one binary: the real `vlr` binary and the
//! library on fixture projects. One binary links typst once, not once per
//! file, and shares what is built once per process (the bad-input baseline
//! PDF, the bundled editions). `cargo test --test it edition` runs a module.

mod common;

mod a11y;
mod bad_input;
mod cli;
mod contrast;
mod copyfit;
mod dashboard;
mod data_cycle;
mod diff;
mod edition;
mod icons;
mod layout;
mod lists;
mod next_year;
mod profiles;
mod race;
mod refs;
mod translate;
mod units;
mod watch;
