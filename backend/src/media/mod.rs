//! Photos: checked, decoded within limits, turned upright, stripped of all
//! metadata and resized before anything is stored.
//!
//! Every stored file is a fresh JPEG encoded from pixels, so no EXIF (GPS,
//! camera serial, time) or other metadata of the upload survives. Checks
//! happen cheapest first: byte size, then the type from the content's
//! first bytes (never the file name), then the pixel dimensions read from
//! the header, and only then the decode, with an allocation limit, so a
//! decompression bomb is refused before it costs memory.

use crate::record::{CommunityId, JobId, PhotoId, UserId};
use std::path::PathBuf;

use chrono::Utc;
pub use linli_media::{MAX_BYTES, MediaError, Processed, process};
use serde::Deserialize;

use super::{
    Backend,
    db::{self, run},
    error::{Error, Result},
    ids,
    policy::Actor,
};
use linli_model::{AppError, ErrorCode, Msg, job::Photo};
pub(crate) mod store;

use store::*;

/// What the user is told about a refused upload.
pub fn refusal(e: MediaError) -> AppError {
    let (code, msg) = match e {
        MediaError::Empty => (ErrorCode::Invalid, Msg::ErrPhotoEmpty),
        MediaError::TooBig => (ErrorCode::PayloadTooLarge, Msg::ErrPhotoTooBig),
        MediaError::TooManyPixels => (ErrorCode::PayloadTooLarge, Msg::ErrPhotoTooManyPixels),
        MediaError::Heic => (ErrorCode::UnsupportedMedia, Msg::ErrPhotoHeic),
        MediaError::UnsupportedType => (ErrorCode::UnsupportedMedia, Msg::ErrPhotoType),
        MediaError::Broken => (ErrorCode::Invalid, Msg::ErrPhotoBroken),
    };
    AppError::new(code, msg).with_detail("file")
}

/// Photos one person may upload per [`UPLOAD_WINDOW`]: ten full reports.
pub const UPLOADS_PER_WINDOW: u32 = 60;
pub const UPLOAD_WINDOW: std::time::Duration = std::time::Duration::from_secs(600);
/// How long an upload waits for a decoding slot before it is told to
/// try again (503).
const DECODE_WAIT: std::time::Duration = std::time::Duration::from_secs(20);
/// Unattached uploads are deleted in each round at most this many at a time.
const ORPHANS_PER_ROUND: i64 = 500;

/// Decodes that may run at once: one per core. Each holds at most
/// `linli_media`'s pixel limit in memory, so this bounds the memory all
/// uploads together can take, whatever arrives at the same moment.
pub fn parallel_decodes() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

impl Backend {
    fn photo_path(&self, id: &str, thumb: bool) -> PathBuf {
        let name = if thumb { format!("{id}_t.jpg") } else { format!("{id}.jpg") };
        self.config.media_dir.join(name)
    }

    /// Processes and stores one uploaded photo for the caller. Nothing is
    /// stored unless every check passes.
    ///
    /// Refused with 429 past [`UPLOADS_PER_WINDOW`] uploads a person, and
    /// 503 when every decoding slot stays busy for [`DECODE_WAIT`].
    pub async fn upload_photo(&self, actor: &Actor, bytes: Vec<u8>) -> Result<Photo> {
        let started = std::time::Instant::now();
        if !self.uploads_by_user.hit(&actor.user_id) {
            return Err(AppError::new(ErrorCode::RateLimited, Msg::ErrRateLimited).into());
        }
        let slot = tokio::time::timeout(DECODE_WAIT, self.decodes.acquire())
            .await
            .map_err(|_| AppError::new(ErrorCode::Unavailable, Msg::ErrUnavailable))?
            .map_err(Error::internal)?;
        let processed =
            tokio::task::spawn_blocking(move || process(&bytes)).await.map_err(Error::internal)?.map_err(refusal)?;
        drop(slot);
        let id = ids::new_key();
        tokio::fs::create_dir_all(&self.config.media_dir).await.map_err(Error::internal)?;
        let (display_path, thumb_path) = (self.photo_path(&id, false), self.photo_path(&id, true));
        write_synced(&display_path, &processed.display).await?;
        write_synced(&thumb_path, &processed.thumb).await?;
        let stored = run(self
            .db
            .query(store::UPLOAD_PHOTO)
            .bind(("id", PhotoId::record_of(id.clone())))
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("uploader", UserId::record_of(actor.user_id.clone())))
            .bind(("width", i64::from(processed.width)))
            .bind(("height", i64::from(processed.height)))
            .bind(("bytes", processed.display.len() as i64)))
        .await;
        if let Err(e) = stored {
            let _ = tokio::fs::remove_file(&display_path).await;
            let _ = tokio::fs::remove_file(&thumb_path).await;
            return Err(e);
        }
        tracing::info!(photo = %id, ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX), "photo stored");
        let (url, thumb_url) = Photo::urls_for(&id);
        Ok(Photo { id, url, thumb_url, width: processed.width, height: processed.height })
    }

    /// The file of a photo the caller may see: their own upload, or one
    /// attached to a job they can see. Anything else is "not found".
    pub async fn photo_file(&self, actor: &Actor, id: &str, thumb: bool) -> Result<PathBuf> {
        if !ids::is_plausible_key(id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self.db.query(store::PHOTO_FILE).bind(("id", PhotoId::record_of(id)))).await?;
        let photo: PhotoRow = db::row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        if photo.community != actor.community.id {
            return Err(AppError::not_found().into());
        }
        let allowed = photo.uploader == actor.user_id
            || match &photo.repair {
                Some(job) => match self.job_scope(job).await? {
                    Some(scope) => actor.sees(scope.as_scope()),
                    // Not a repair: a complaint's or suggestion's photo.
                    None => self.sees_complaint(actor, job).await?,
                },
                None => false,
            };
        if !allowed {
            return Err(AppError::not_found().into());
        }
        Ok(self.photo_path(id, thumb))
    }
}

/// Writes a file and syncs it, so a photo the client was told about
/// survives a crash.
async fn write_synced(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use tokio::io::AsyncWriteExt as _;
    let mut f = tokio::fs::File::create(path).await.map_err(Error::internal)?;
    f.write_all(bytes).await.map_err(Error::internal)?;
    f.sync_all().await.map_err(Error::internal)?;
    Ok(())
}

/// Uploads never attached to a report are deleted this long after upload.
pub const ORPHAN_AFTER_HOURS: i64 = 24;

impl Backend {
    /// Deletes uploads that were never attached to a report within
    /// [`ORPHAN_AFTER_HOURS`]: the row first, then its files. Answers how
    /// many; run hourly by the `purge` duty.
    pub async fn sweep_orphan_photos(&self, now: chrono::DateTime<Utc>) -> Result<usize> {
        let cutoff = now - chrono::Duration::hours(ORPHAN_AFTER_HOURS);
        // Selected, then deleted only if still unattached: a report that
        // takes one of them in between keeps it.
        let mut res =
            run(self.db.query(store::ORPHAN_PHOTOS).bind(("cutoff", cutoff)).bind(("max", ORPHANS_PER_ROUND))).await?;
        let candidates: Vec<surrealdb::types::RecordId> = res.take(0)?;
        if candidates.is_empty() {
            return Ok(0);
        }
        let mut res = run(self.db.query(store::DELETE_ORPHAN_PHOTOS).bind(("ids", candidates))).await?;
        let gone: Vec<OrphanRow> = db::rows(&mut res, 0)?;
        self.remove_photo_files(&gone).await;
        if !gone.is_empty() {
            tracing::info!(count = gone.len(), "unattached uploads removed");
        }
        Ok(gone.len())
    }

    /// Deletes the uploads among `ids` that `uploader` made and no job
    /// took (rows, then files), at once rather than a day later: the
    /// photos a repeated report brought along (a resent no-script form
    /// uploads its photos again) when the job was already filed. Ids of
    /// someone else's uploads, attached photos and unknown ids are left
    /// alone. Answers how many were deleted.
    pub(crate) async fn discard_uploads(&self, uploader: &str, ids: &[String]) -> Result<usize> {
        let ids: Vec<&String> = ids.iter().filter(|id| ids::is_plausible_key(id)).collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let mut res = run(self
            .db
            .query(store::DISCARD_UPLOADS)
            .bind(("ids", PhotoId::records_of(&ids)))
            .bind(("uploader", UserId::record_of(uploader))))
        .await?;
        let gone: Vec<OrphanRow> = db::rows(&mut res, 0)?;
        self.remove_photo_files(&gone).await;
        if !gone.is_empty() {
            tracing::info!(count = gone.len(), "uploads of a repeated report removed");
        }
        Ok(gone.len())
    }

    /// Removes the files (display and thumbnail) of deleted photo rows; a
    /// file already gone is fine, any other failure is logged.
    async fn remove_photo_files(&self, gone: &[OrphanRow]) {
        for photo in gone {
            for thumb in [false, true] {
                if let Err(e) = tokio::fs::remove_file(self.photo_path(&photo.id, thumb)).await
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::warn!(photo = %photo.id, error = %e, "photo file not removed");
                }
            }
        }
    }
}
