//! The media store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct PhotoRow {
    pub(super) community: CommunityId,
    pub(super) uploader: UserId,
    #[serde(default)]
    pub(super) repair: Option<JobId>,
}

#[derive(serde::Deserialize)]
pub(super) struct OrphanRow {
    pub(super) id: crate::record::PhotoId,
}

/// Used by `upload_photo` (media/mod.rs).
pub(crate) const UPLOAD_PHOTO: &str = "CREATE $id SET community = $community,
                    uploader = $uploader, width = $width, height = $height,
                    bytes = $bytes, created_at = time::now()";

/// Used by `photo_file` (media/mod.rs).
pub(crate) const PHOTO_FILE: &str = "SELECT community, uploader, repair FROM $id";

/// Used by `sweep_orphan_photos` (media/mod.rs).
pub(crate) const ORPHAN_PHOTOS: &str =
    "SELECT VALUE id FROM photo WHERE repair = NONE AND created_at < $cutoff LIMIT $max";

/// Used by `sweep_orphan_photos` (media/mod.rs).
pub(crate) const DELETE_ORPHAN_PHOTOS: &str = "DELETE $ids WHERE repair = NONE RETURN BEFORE";

/// Used by `discard_uploads` (media/mod.rs): the given uploads of one
/// person that no job took, deleted (photos already attached stay).
pub(crate) const DISCARD_UPLOADS: &str = "DELETE $ids WHERE uploader = $uploader AND repair = NONE RETURN BEFORE";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("UPLOAD_PHOTO", UPLOAD_PHOTO),
    ("PHOTO_FILE", PHOTO_FILE),
    ("ORPHAN_PHOTOS", ORPHAN_PHOTOS),
    ("DELETE_ORPHAN_PHOTOS", DELETE_ORPHAN_PHOTOS),
    ("DISCARD_UPLOADS", DISCARD_UPLOADS),
];
