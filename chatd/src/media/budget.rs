//! What one image may cost to check and clean: pixels (a still image's, and all frames of an
//! animation together) and CPU time, the latter measured on the decoding thread and checked
//! between steps and between frames.

use std::time::Duration;

use nix::time::{ClockId, clock_gettime};

use super::image::ImageRejection;

/// The limits of one decode, and the CPU clock it started at.
#[derive(Debug)]
pub struct Budget {
    /// Most pixels of a still image (or of an animation's canvas).
    pub max_pixels: u64,
    /// Most pixels of an animation: frames x canvas pixels.
    pub max_animation_pixels: u64,
    cpu_limit: Duration,
    cpu_start: Option<Duration>,
}

impl Budget {
    /// Starts the CPU clock of the calling thread: call it on the thread that decodes.
    pub fn start(max_pixels: u64, max_animation_pixels: u64, cpu_limit: Duration) -> Self {
        Self {
            max_pixels,
            max_animation_pixels,
            cpu_limit,
            cpu_start: thread_cpu(),
        }
    }

    /// Refuses the image once this thread has spent more CPU time on it than allowed.
    /// Work cannot be interrupted inside a step (one frame, one encoding), so the limit
    /// bounds how many more steps start, and the pixel limits bound each step.
    pub fn check(&self) -> Result<(), ImageRejection> {
        let (Some(start), Some(now)) = (self.cpu_start, thread_cpu()) else {
            return Ok(());
        };
        if now.saturating_sub(start) > self.cpu_limit {
            return Err(ImageRejection::TooCostly {
                limit_ms: self.cpu_limit.as_millis() as u64,
            });
        }
        Ok(())
    }
}

/// CPU time of the calling thread; `None` where the clock is missing (then nothing is timed).
fn thread_cpu() -> Option<Duration> {
    clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .ok()
        .map(Duration::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_more_cpu_than_allowed_is_refused() {
        let budget = Budget::start(1, 1, Duration::from_millis(1));
        assert!(budget.check().is_ok() || thread_cpu().is_none());
        let mut x: u64 = 1;
        while budget.check().is_ok() {
            // Real work on this thread until the clock passes the limit.
            for i in 0..10_000u64 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
            }
            std::hint::black_box(x);
        }
        assert!(matches!(
            budget.check(),
            Err(ImageRejection::TooCostly { limit_ms: 1 })
        ));
    }
}
