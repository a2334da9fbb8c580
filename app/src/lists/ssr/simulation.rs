//! The two knobs that let people and tests see every state of the screen.

use std::time::Duration;

/// Artificial latency and failure applied before the lists load returns.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Simulation {
    latency: Duration,
    failure_rate: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SimulationError {
    #[error("SIMULATED_FAILURE_RATE must be a number from 0.0 to 1.0, not {0}")]
    FailureRateOutOfRange(f64),
}

/// The load was told to fail by `SIMULATED_FAILURE_RATE`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("simulated failure (SIMULATED_FAILURE_RATE)")]
pub struct SimulatedFailure;

impl Simulation {
    pub fn new(latency: Duration, failure_rate: f64) -> Result<Self, SimulationError> {
        if !(0.0..=1.0).contains(&failure_rate) {
            return Err(SimulationError::FailureRateOutOfRange(failure_rate));
        }
        Ok(Self {
            latency,
            failure_rate,
        })
    }

    /// Whether either knob is turned: the document then has to be rendered for every
    /// request.
    pub fn is_active(&self) -> bool {
        !self.latency.is_zero() || self.failure_rate > 0.0
    }

    /// Waits the configured latency (without holding a worker thread), then fails with
    /// the configured probability.
    pub async fn before_load(&self) -> Result<(), SimulatedFailure> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        if self.failure_rate > 0.0 && fastrand::f64() < self.failure_rate {
            return Err(SimulatedFailure);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        assert!(Simulation::new(Duration::ZERO, 1.5).is_err());
        assert!(Simulation::new(Duration::ZERO, -0.1).is_err());
        assert!(Simulation::new(Duration::ZERO, f64::NAN).is_err());
    }

    #[test]
    fn only_a_turned_knob_is_active() {
        assert!(!Simulation::default().is_active());
        assert!(Simulation::new(Duration::from_millis(1), 0.0)
            .unwrap()
            .is_active());
        assert!(Simulation::new(Duration::ZERO, 0.1).unwrap().is_active());
    }

    #[tokio::test]
    async fn the_default_never_fails() {
        let simulation = Simulation::default();
        for _ in 0..100 {
            assert_eq!(simulation.before_load().await, Ok(()));
        }
    }

    #[tokio::test]
    async fn a_rate_of_one_always_fails() {
        let simulation = Simulation::new(Duration::ZERO, 1.0).unwrap();
        for _ in 0..100 {
            assert_eq!(simulation.before_load().await, Err(SimulatedFailure));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn latency_is_waited_for() {
        let simulation = Simulation::new(Duration::from_millis(300), 0.0).unwrap();
        let started = tokio::time::Instant::now();
        simulation.before_load().await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
    }
}
