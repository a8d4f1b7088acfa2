//! An import batch's lifecycle: the stored status, and the stage the credit
//! office sees (a running batch is validating or writing, a written one
//! recomputing evaluations until they are done).

use super::Tone;

/// `import_batches.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportStatus {
    /// The file is arriving; the uploading process holds the lease.
    Uploading,
    /// Stored whole; its job will run it.
    Queued,
    /// A process is validating or writing it under the lease.
    Running,
    /// Its rows are committed (the evaluations may still be recomputing).
    Done,
    Failed,
}

crate::stored_as_text!(ImportStatus);

impl ImportStatus {
    pub const ALL: [ImportStatus; 5] = [
        ImportStatus::Uploading,
        ImportStatus::Queued,
        ImportStatus::Running,
        ImportStatus::Done,
        ImportStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Uploading => "uploading",
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<ImportStatus> {
        ImportStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where a batch stands, as its badge says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchStage {
    Uploading,
    Queued,
    Validating,
    Writing,
    Recomputing,
    Done,
    Failed,
}

impl BatchStage {
    pub fn label(self) -> &'static str {
        match self {
            BatchStage::Uploading => "上传中",
            BatchStage::Queued => "排队中",
            BatchStage::Validating => "校验中",
            BatchStage::Writing => "写入中",
            BatchStage::Recomputing => "重算评价中",
            BatchStage::Done => "已完成",
            BatchStage::Failed => "失败",
        }
    }

    /// A written batch shows as done while its evaluations recompute.
    pub fn tone(self) -> Tone {
        match self {
            BatchStage::Recomputing | BatchStage::Done => Tone::Good,
            BatchStage::Failed => Tone::Bad,
            BatchStage::Uploading | BatchStage::Queued | BatchStage::Validating | BatchStage::Writing => Tone::Active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::product::ProductStatus;

    #[test]
    fn stored_statuses_read_back_and_unknown_ones_are_errors() {
        for status in ImportStatus::ALL {
            assert_eq!(ImportStatus::try_from(String::from(status)), Ok(status));
        }
        for status in ProductStatus::ALL {
            assert_eq!(ProductStatus::try_from(String::from(status)), Ok(status));
        }
        assert!(ImportStatus::try_from("finished".to_string()).is_err());
        assert!(ProductStatus::try_from("hidden".to_string()).is_err());
    }
}
