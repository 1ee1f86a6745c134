//! Retrying what is worth retrying, boundedly.
//!
//! A sync of thousands of objects meets a throttling or restarting platform
//! sooner or later. Retrying the whole run would repeat all the work; never
//! retrying would turn one 503 into a failed object. So each request is
//! retried on the failures that heal by themselves (429 with its
//! `Retry-After`, 500/502/503/504, a reset or closed connection, a timeout)
//! with exponential backoff and jitter, a bounded number of times, and never
//! on the ones that do not (other 4xx, certificate errors).
//!
//! Time is passed in as a [`Clock`] so tests can record the delays instead
//! of sleeping, and the jitter comes from a small PRNG owned by the caller
//! ([`Jitter`]), so there is no global state.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::ScimError;

/// How often and how patiently a request is retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Requests sent at most (the first one included); at least 1.
    pub max_attempts: u32,
    /// The delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// The longest single delay, also the cap on a server's `Retry-After`.
    pub max_delay: Duration,
    /// How much of a backoff delay is randomised, 0.0 (none) to 1.0 (the
    /// delay is anywhere between 0 and the backoff), so that many clients
    /// throttled together do not come back together.
    pub jitter: f64,
}

impl Default for RetryPolicy {
    /// 5 attempts, 500 ms doubling up to 30 s, half of each delay random.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            jitter: 0.5,
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1 for the first retry), with
    /// `random` in `[0, 1)`: the exponential backoff
    /// `min(max_delay, base_delay * 2^(retry-1))`, reduced by up to
    /// `jitter` of itself.
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let jitter = self.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        full.mul_f64(1.0 - jitter)
    }

    /// The delay before retry number `retry`: the server's `Retry-After`
    /// (capped at `max_delay`) when it sent one, else [`Self::backoff`].
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        match retry_after {
            Some(d) => d.min(self.max_delay),
            None => self.backoff(retry, random),
        }
    }
}

/// A boxed future, for the object-safe [`Clock`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The time source: the current time (for `Retry-After` dates) and sleeping.
pub trait Clock: Send + Sync {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;
}

/// The real clock: `SystemTime::now` and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A small PRNG (SplitMix64) for jitter; not for anything secret.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    /// Seeded by the caller (tests use a fixed seed).
    pub fn seeded(seed: u64) -> Self {
        Self(seed)
    }

    /// Seeded from the clock and the process id.
    pub fn from_time() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self(nanos ^ (u64::from(std::process::id()) << 32))
    }

    /// The next number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Whether an HTTP status is worth retrying: 429 and the 5xx a proxy or a
/// restarting server sends. Other 4xx say the request is wrong.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether a transport error may heal: timeouts, refused, reset or closed
/// connections. TLS errors (a bad certificate, no common protocol) do not.
pub fn is_transient_transport(error: &reqwest::Error) -> bool {
    if error.is_builder() || error.is_redirect() || error.is_decode() {
        return false;
    }
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return false;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
        {
            return false;
        }
        current = e.source();
    }
    error.is_timeout() || error.is_connect() || error.is_request() || error.is_body()
}

/// Whether a failed attempt is worth another.
pub fn is_retryable(error: &ScimError) -> bool {
    match error {
        ScimError::Transport(e) => is_transient_transport(e),
        ScimError::Http { status, .. } => is_retryable_status(*status),
        _ => false,
    }
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP-date
/// (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`). A date in the past is
/// zero; anything else unparseable is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate; the policy caps them anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn parse_http_date(value: &str) -> Option<SystemTime> {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    let [weekday, day, month, year, clock, "GMT"] = parts.as_slice() else {
        return None;
    };
    if !weekday.ends_with(',') {
        return None;
    }
    let month = match *month {
        "Jan" => time::Month::January,
        "Feb" => time::Month::February,
        "Mar" => time::Month::March,
        "Apr" => time::Month::April,
        "May" => time::Month::May,
        "Jun" => time::Month::June,
        "Jul" => time::Month::July,
        "Aug" => time::Month::August,
        "Sep" => time::Month::September,
        "Oct" => time::Month::October,
        "Nov" => time::Month::November,
        "Dec" => time::Month::December,
        _ => return None,
    };
    let hms: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    let date = time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?;
    let t = time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, s.parse().ok()?).ok()?;
    let unix = time::PrimitiveDateTime::new(date, t)
        .assume_utc()
        .unix_timestamp();
    let secs = u64::try_from(unix).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// A failed attempt, with the server's `Retry-After` if it sent one.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: ScimError,
    pub(crate) retry_after: Option<Duration>,
}

impl From<ScimError> for Failure {
    fn from(error: ScimError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// Runs `attempt` until it succeeds, fails with an error not worth retrying
/// (returned as is), or `policy.max_attempts` attempts have failed
/// ([`ScimError::RetriesExhausted`] with the last error).
pub(crate) async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    clock: &dyn Clock,
    jitter: &Mutex<Jitter>,
    mut attempt: F,
) -> Result<T, ScimError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let max = policy.max_attempts.max(1);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let failure = match attempt().await {
            Ok(v) => return Ok(v),
            Err(f) => f,
        };
        if !is_retryable(&failure.error) {
            return Err(failure.error);
        }
        if attempts >= max {
            return Err(ScimError::RetriesExhausted {
                attempts,
                last: Box::new(failure.error),
            });
        }
        let random = jitter
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .next_f64();
        let delay = policy.delay(attempts, failure.retry_after, random);
        tracing::debug!(attempt = attempts, ?delay, error = %failure.error, "SCIM request will be retried");
        clock.sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Records the sleeps instead of sleeping.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<Duration>>);

    impl Clock for Recorder {
        fn now(&self) -> SystemTime {
            UNIX_EPOCH + Duration::from_secs(784_111_777) // 1994-11-06 08:49:37 UTC
        }
        fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
            self.0.lock().unwrap().push(duration);
            Box::pin(async {})
        }
    }

    fn http(status: u16) -> ScimError {
        ScimError::Http {
            status,
            scim_type: None,
            detail: None,
        }
    }

    #[test]
    fn retry_after_delta_seconds_and_dates() {
        let now = Recorder::default().now();
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        // In the past: retry now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:50:07 CET",
            "Sun, 31 Feb 1994 08:50:07 GMT",
            "Sun 06 Nov 1994 08:50:07 GMT",
            "Sun, 06 Nov 1994 25:50:07 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn backoff_doubles_within_bounds() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            jitter: 0.5,
        };
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 0.0), Duration::from_millis(200));
        assert_eq!(p.backoff(4, 0.0), Duration::from_millis(800));
        assert_eq!(p.backoff(5, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(u32::MAX, 0.0), Duration::from_secs(1));
        let mut rng = Jitter::seeded(7);
        for retry in 1..12 {
            let full = p.backoff(retry, 0.0);
            for _ in 0..200 {
                let d = p.backoff(retry, rng.next_f64());
                assert!(d <= full && d >= full / 2, "{retry}: {d:?} vs {full:?}");
            }
        }
        // Retry-After is honoured, but capped.
        assert_eq!(
            p.delay(1, Some(Duration::from_millis(300)), 0.9),
            Duration::from_millis(300)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3600)), 0.0),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn jitter_is_uniform_enough_and_seeded() {
        let mut a = Jitter::seeded(1);
        let mut b = Jitter::seeded(1);
        let xs: Vec<f64> = (0..1000).map(|_| a.next_f64()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert_eq!(xs[0], b.next_f64());
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
    }

    #[test]
    fn which_statuses_are_retried() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable(&http(s)), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 412, 501] {
            assert!(!is_retryable(&http(s)), "{s}");
        }
        assert!(!is_retryable(&ScimError::PreconditionFailed));
    }

    fn run<T>(
        policy: &RetryPolicy,
        outcomes: Vec<Result<T, Failure>>,
    ) -> (Result<T, ScimError>, Vec<Duration>, usize) {
        let clock = Arc::new(Recorder::default());
        let jitter = Mutex::new(Jitter::seeded(3));
        let outcomes = Mutex::new(outcomes.into_iter());
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let result = rt.block_on(with_retry(policy, clock.as_ref(), &jitter, || {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let next = outcomes.lock().unwrap().next().expect("no more outcomes");
            async move { next }
        }));
        let sleeps = clock.0.lock().unwrap().clone();
        (result, sleeps, calls.into_inner())
    }

    #[test]
    fn retries_then_succeeds_honouring_retry_after() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(2),
            jitter: 0.0,
        };
        let (r, sleeps, calls) = run(
            &p,
            vec![
                Err(Failure {
                    error: http(429),
                    retry_after: Some(Duration::from_secs(1)),
                }),
                Err(http(503).into()),
                Ok(42),
            ],
        );
        assert_eq!(r.unwrap(), 42);
        assert_eq!(calls, 3);
        assert_eq!(
            sleeps,
            vec![Duration::from_secs(1), Duration::from_millis(20)]
        );
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let p = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(2),
            jitter: 0.5,
        };
        let (r, sleeps, calls) = run::<()>(
            &p,
            vec![
                Err(http(500).into()),
                Err(http(502).into()),
                Err(http(504).into()),
            ],
        );
        assert_eq!(calls, 3);
        assert_eq!(sleeps.len(), 2);
        match r {
            Err(ScimError::RetriesExhausted { attempts: 3, last }) => {
                assert_eq!(last.status(), Some(504))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn does_not_retry_client_errors() {
        let p = RetryPolicy::default();
        let (r, sleeps, calls) = run::<()>(&p, vec![Err(http(409).into())]);
        assert_eq!(calls, 1);
        assert!(sleeps.is_empty());
        assert_eq!(r.unwrap_err().status(), Some(409));
    }
}
