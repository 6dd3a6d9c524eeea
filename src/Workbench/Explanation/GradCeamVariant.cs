namespace Workbench.Explanation;

/// <summary>Which reading of Grad-CeAM to follow where the official code departs from the paper's text (digest §1).</summary>
public enum GradCeamVariant
{
    /// <summary>As the authors' code (default): channel weights 2·Σ∂L/∂A, heatmap Σ_k W_k A^k without ReLU, Eq. 12 as A·W with the raw weights.</summary>
    Official,
    /// <summary>As the paper's text: channel weights (1/D)·Σ∂L/∂A (Eq. 9), heatmap Σ_k ReLU(W_k) A^k (Eq. 10), Eq. 12 as ‖ReLU(W)‖₀₋₂ · A.</summary>
    Paper,
}
