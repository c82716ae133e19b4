"""Can we trust it? Saliency maps for the CNNs, their sanity checks and faithfulness, SHAP for the risk models."""
