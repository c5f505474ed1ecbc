//! Photos: checked, decoded within limits, turned upright, stripped of all
//! metadata and resized before anything is stored.
//!
//! Every stored file is a fresh JPEG encoded from pixels, so no EXIF (GPS,
//! camera serial, time) or other metadata of the upload survives. Checks
//! happen cheapest first: byte size, then the type from the content's
//! first bytes (never the file name), then the pixel dimensions read from
//! the header, and only then the decode, with an allocation limit, so a
//! decompression bomb is refused before it costs memory.

use std::path::PathBuf;

use chrono::Utc;
pub use linli_media::{MAX_BYTES, MediaError, Processed, process};
use serde::Deserialize;

use super::{
    Backend,
    db::{self, run},
    error::{Error, Result},
    ids,
    people::key,
    policy::Actor,
};
use crate::model::{AppError, ErrorCode, Msg, job::Photo};

#[derive(Deserialize)]
struct PhotoRow {
    #[serde(deserialize_with = "key::de")]
    community: String,
    #[serde(deserialize_with = "key::de")]
    uploader: String,
    #[serde(default, deserialize_with = "key::de_opt")]
    repair: Option<String>,
}

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

impl Backend {
    fn photo_path(&self, id: &str, thumb: bool) -> PathBuf {
        let name = if thumb { format!("{id}_t.jpg") } else { format!("{id}.jpg") };
        self.config.media_dir.join(name)
    }

    /// Processes and stores one uploaded photo for the caller. Nothing is
    /// stored unless every check passes.
    pub async fn upload_photo(&self, actor: &Actor, bytes: Vec<u8>) -> Result<Photo> {
        let started = std::time::Instant::now();
        let processed =
            tokio::task::spawn_blocking(move || process(&bytes)).await.map_err(Error::internal)?.map_err(refusal)?;
        let id = ids::new_key();
        tokio::fs::create_dir_all(&self.config.media_dir).await.map_err(Error::internal)?;
        let (display_path, thumb_path) = (self.photo_path(&id, false), self.photo_path(&id, true));
        write_synced(&display_path, &processed.display).await?;
        write_synced(&thumb_path, &processed.thumb).await?;
        let stored = run(self
            .db
            .query(
                "CREATE type::record('photo', $id) SET community = type::record('community', $community),
                    uploader = type::record('user', $uploader), width = $width, height = $height,
                    bytes = $bytes, created_at = time::now()",
            )
            .bind(("id", id.clone()))
            .bind(("community", actor.community_id().to_string()))
            .bind(("uploader", actor.user_id.clone()))
            .bind(("width", i64::from(processed.width)))
            .bind(("height", i64::from(processed.height)))
            .bind(("bytes", processed.display.len() as i64)))
        .await;
        if let Err(e) = stored {
            let _ = tokio::fs::remove_file(&display_path).await;
            let _ = tokio::fs::remove_file(&thumb_path).await;
            return Err(e);
        }
        tracing::info!(photo = %id, ms = started.elapsed().as_millis() as u64, "photo stored");
        let (url, thumb_url) = Photo::urls_for(&id);
        Ok(Photo { id, url, thumb_url, width: processed.width, height: processed.height })
    }

    /// The file of a photo the caller may see: their own upload, or one
    /// attached to a job they can see. Anything else is "not found".
    pub async fn photo_file(&self, actor: &Actor, id: &str, thumb: bool) -> Result<PathBuf> {
        if !ids::is_plausible_key(id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self
            .db
            .query("SELECT community, uploader, repair FROM type::record('photo', $id)")
            .bind(("id", id.to_string())))
        .await?;
        let photo: PhotoRow = db::row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        if photo.community != actor.community.id {
            return Err(AppError::not_found().into());
        }
        let allowed = photo.uploader == actor.user_id
            || match &photo.repair {
                Some(job) => self.job_scope(job).await?.is_some_and(|scope| actor.sees(scope.as_scope())),
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

/// Removes photo files whose upload was never attached to anything, after a day.
pub fn orphan_cutoff() -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::days(1)
}
