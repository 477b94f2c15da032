//! The project's data and text: the serde model, loading with locations,
//! validation, and the document handed to the templates.

pub mod chars;
pub mod chart_spec;
pub mod citation;
pub mod coverage;
pub mod diff;
pub mod document;
pub mod fingerprint;
pub mod index;
pub mod indexed;
pub mod keyword;
pub mod load;
pub mod markup;
pub mod model;
pub mod plausible;
pub mod project_file;
pub mod resolve;
pub mod rules;
pub mod sdg;
pub mod series;
pub mod source_map;
pub mod source_record;
pub mod status;
pub mod typography;
pub mod word_diff;
pub mod years;
