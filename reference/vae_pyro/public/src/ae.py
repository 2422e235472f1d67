"""Base class of the auto-encoders of the lab."""
import torch
from torch import nn


class BaseAutoEncoder(nn.Module):
    """An auto-encoder: an encoder network and a decoder network.

    Subclasses implement ``encoder_forward`` (inputs -> latent codes) and
    ``decoder_forward`` (latent codes -> reconstructions); ``forward`` chains them.
    """

    def __init__(self, encoder: nn.Module, decoder: nn.Module, n_latent_features: int):
        """
        :param encoder: encoder network
        :param decoder: decoder network
        :param n_latent_features: size of the latent vector
        """
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.n_latent_features = n_latent_features

    def encoder_forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode a batch of inputs into latent codes [batch_size x n_latent_features]."""
        raise NotImplementedError

    def decoder_forward(self, z: torch.Tensor) -> torch.Tensor:
        """Decode a batch of latent codes into reconstructions shaped like the inputs."""
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct a batch of inputs: ``decoder_forward(encoder_forward(x))``."""
        return self.decoder_forward(self.encoder_forward(x))
